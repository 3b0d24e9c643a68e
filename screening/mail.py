"""Email for development: say on the console that an email went, without what it holds."""

from django.core.mail.backends import console


class PrivateConsoleBackend(console.EmailBackend):
    """Django's console backend, less the recipient and the text: an invitation holds the
    client's address and a link that opens their form, neither of which belongs in a log."""

    def write_message(self, message):
        count = len(message.recipients())
        self.stream.write(
            f"Email not sent (console email): {message.subject!r} to {count} "
            f"recipient{'s' if count != 1 else ''}; address and text not shown.\n"
        )
