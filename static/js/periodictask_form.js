// The periodic task form (django_celery_beat) shows the chosen crontab in words under the field, as the package's
// own inline script does; loaded from a file because the content security policy forbids inline scripts.
(function () {
  const script = document.currentScript;
  const readable = JSON.parse(document.getElementById("readable-crontabs").textContent);
  const original = script.dataset.crontabHelp || "";
  const $ = window.django && window.django.jQuery;
  if (!$) return;
  $(".field-crontab_translation").hide();
  $(".field-crontab").on("change", function () {
    const help = document.querySelector(".field-crontab .help");
    if (!help) return;
    help.textContent = original;
    help.appendChild(document.createElement("br"));
    help.appendChild(document.createTextNode("Translation: " + (readable[$("#id_crontab").val()] || "")));
  });
})();
