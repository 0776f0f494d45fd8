"""A scripted request dialogue behind the web door's contract (not the real core): enough to
drive a complete request by keyboard in the browser, with the shapes the core sends: steps with
choice buttons, a text step, a summary with "Absenden", a receipt replacing the summary."""

from __future__ import annotations

from bot.conversation.model import CommandIn, Event, Outgoing, PressIn, TextIn, UserKey
from bot.replies import Button

RECEIPT = "Danke! Ihre Anfrage <b>A-0001</b> ist beim Team angekommen."


class ScriptedRequest:
    def __init__(self) -> None:
        self.step: dict[UserKey, str] = {}
        self.submitted: list[tuple[UserKey, str, str]] = []
        self.answers: dict[UserKey, dict[str, str]] = {}

    async def handle(self, user: UserKey, event: Event) -> list[Outgoing]:
        answers = self.answers.setdefault(user, {})
        if isinstance(event, CommandIn) and event.name == "start":
            return [Outgoing("Guten Tag! Was möchten Sie tun?",
                             ((Button("Anfrage stellen", "r"),), (Button("Menü", "m"),)))]
        if isinstance(event, PressIn) and event.data == "r":
            self.step[user] = "module"
            return [Outgoing("Schritt 1 von 2: Wofür interessieren Sie sich?",
                             ((Button("Beratung", "d:1:1:pick:beratung"),
                               Button("Workshop", "d:1:1:pick:workshop")),
                              (Button("Abbrechen", "d:1:1:cancel"),)))]
        if isinstance(event, PressIn) and event.data.startswith("d:1:1:pick:"):
            answers["module"] = event.data.rsplit(":", 1)[1]
            self.step[user] = "email"
            return [Outgoing("Schritt 2 von 2: Unter welcher E-Mail-Adresse erreicht Sie das "
                             "Team?")]
        if isinstance(event, TextIn) and self.step.get(user) == "email":
            answers["email"] = event.text
            self.step[user] = "summary"
            return [Outgoing(f"<b>Ihre Anfrage</b>\nModul: {answers['module']}\n"
                             f"E-Mail: {event.text.replace('<', '&lt;')}",
                             ((Button("Absenden", "d:1:2:send"),),
                              (Button("Ändern", "d:1:2:edit"),)))]
        if isinstance(event, PressIn) and event.data == "d:1:2:send":
            if self.step.get(user) != "summary":
                return [Outgoing("Diese Anfrage ist schon abgeschickt.")]
            self.step[user] = "done"
            self.submitted.append((user, answers["module"], answers["email"]))
            return [Outgoing(RECEIPT, replace=True)]
        return [Outgoing("Bitte wählen Sie oben aus.")]
