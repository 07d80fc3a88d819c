"""What an editor might write instead of `newsletter send`: Python's email package builds one
personalised multipart/alternative message per subscriber and smtplib sends them over one
connection. Usage: reference_send.py LIST.csv TEXT_FILE HTML_FILE HOST PORT"""
import csv
import smtplib
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid


def main():
    list_file, text_file, html_file, host, port = sys.argv[1:6]
    text = open(text_file, encoding="utf-8").read()
    html = open(html_file, encoding="utf-8").read()
    sent = 0
    with smtplib.SMTP(host, int(port)) as smtp, open(list_file, encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            message = EmailMessage()
            message["From"] = "Northbridge Alliance <newsletter@example.org>"
            message["To"] = f"{row['name']} <{row['email']}>"
            message["Subject"] = "Benchmark issue"
            message["Date"] = formatdate()
            message["Message-ID"] = make_msgid(domain="example.org")
            message["List-Unsubscribe"] = f"<https://news.example.org/unsubscribe/{row['email']}>"
            message.set_content(text.replace("{{subscriber.email}}", row["email"]), cte="quoted-printable")
            message.add_alternative(html.replace("{{subscriber.email}}", row["email"]), subtype="html", cte="quoted-printable")
            smtp.send_message(message)
            sent += 1
    print(sent)


main()
