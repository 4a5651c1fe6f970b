"""Re-cut the stored words of every need and resource with rjieba (committees.text.tokenize).

rjieba cut every text we compared exactly as jieba did, so this normally changes no row; it makes sure that any
text the two cut differently matches what new and edited records get from now on. Batches of 2,000, only
changed rows are written."""

from django.db import migrations

BATCH = 2000


def retokenise(apps, schema_editor):
    from committees.text import tokenize

    for name in ("Need", "Resource"):
        model = apps.get_model("committees", name)
        last = 0
        while True:
            rows = list(
                model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "title", "description", "tokens")[
                    :BATCH
                ]
            )
            if not rows:
                break
            last = rows[-1][0]
            changed = []
            for pk, title, description, tokens in rows:
                cut = " ".join(tokenize(f"{title} {description}"))
                if cut != tokens:
                    changed.append(model(pk=pk, tokens=cut))
            model.objects.bulk_update(changed, ["tokens"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("committees", "0011_text_and_quantity_checks")]

    operations = [migrations.RunPython(retokenise, migrations.RunPython.noop, elidable=True)]
