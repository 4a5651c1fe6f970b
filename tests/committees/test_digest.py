"""The daily digest e-mail reaches a real SMTP server (a small one on a local port, in a thread) with the day's
to-do items and notifications, in Chinese; once a day each; not for those who chose no e-mail."""

import datetime
import email
import email.policy
import socketserver
import threading

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from committees import digest, notifications
from committees.models import User
from config import todo
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greeting, EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 test SMTP")
        sender, recipients = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 test")
            elif verb == "MAIL":
                sender, recipients = command, []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with .")
                data = bytearray()
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    data.extend(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.server.received.append((sender, list(recipients), bytes(data)))
                self.reply("250 queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.server_address[1],
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        SITE_URL="https://dangjian.example.cn",
    ):
        yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def one_todo(monkeypatch):
    monkeypatch.setattr(todo, "_providers", {})
    todo.register_todo(
        "proposals",
        lambda user: [
            todo.TodoItem(
                "proposals",
                "答复对接建议：老人健康体检",
                "/proposals/7/answer/",
                timezone.localdate() + datetime.timedelta(days=2),
            )
        ]
        if user.username == "wufang"
        else [],
        order=1,
    )


def test_the_digest_reaches_the_smtp_server_in_chinese_with_the_days_items(smtp_server, one_todo):
    person = UserFactory(username="wufang", name="吴芳", email="wufang@example.cn")
    notifications.notify([person], "项目已确定：重阳节社区义诊", "/projects/3/")
    assert digest.send_daily_digests() == 1

    ((sender, recipients, data),) = smtp_server.received
    assert recipients == ["wufang@example.cn"]
    message = email.message_from_bytes(data, policy=email.policy.default)
    subject, body = str(message["subject"]), message.get_content()
    assert "待办" in subject and "1" in subject
    assert "吴芳" in body and "答复对接建议：老人健康体检" in body
    assert "https://dangjian.example.cn/proposals/7/answer/" in body
    assert "项目已确定：重阳节社区义诊" in body and "https://dangjian.example.cn/projects/3/" in body

    # Once a day, however often the job runs.
    assert digest.send_daily_digests() == 0
    assert len(smtp_server.received) == 1


def test_no_mail_for_those_who_chose_none_or_have_nothing(smtp_server, one_todo):
    quiet = UserFactory(username="quiet", email="quiet@example.cn")
    chose_none = UserFactory(username="wufang", email="none@example.cn", email_digest=User.EmailDigest.NONE)
    notifications.notify([chose_none], "请答复", "/x/")
    assert digest.send_daily_digests() == 0
    assert smtp_server.received == [] and quiet.digest_sent_on is None


def test_notify_sends_no_mail_per_event():
    person = UserFactory(email="p@example.cn")
    notifications.notify([person], "请答复", "/x/")
    assert mail.outbox == []


def test_the_person_chooses_digest_or_none_on_the_notifications_page(client):
    person = UserFactory(email="p@example.cn")
    client.force_login(person)
    page = client.get(reverse("notification_list")).content.decode()
    assert "每日" in page
    client.post(reverse("notification_list"), {"email_digest": "none"})
    person.refresh_from_db()
    assert person.email_digest == "none"
    response = client.post(reverse("notification_list"), {"email_digest": "weekly"})
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.email_digest == "none"


def test_the_digest_job_is_scheduled():
    from matching.management.commands.setup_schedules import DEFAULT_SCHEDULES

    assert "committees.tasks.send_daily_digests" in {row[1] for row in DEFAULT_SCHEDULES}
