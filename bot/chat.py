"""`make shell`: chat with the running helpline (`make run`) through its REST channel, like a phone would."""

from __future__ import annotations

import argparse
import uuid

import requests

from bot import local_inbox

DEFAULT_URL = "http://127.0.0.1:5005/webhooks/rest/webhook"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--sender", default=f"local-{uuid.uuid4().hex[:8]}", help="conversation id")
    args = parser.parse_args(argv)
    print(f"Chatting as {args.sender}. Type a message (e.g. 'namaste'); Ctrl-D to quit.")
    while True:
        for kept in local_inbox.take(args.sender):  # check-ins the helpline started while you were typing
            print(kept)
        try:
            text = input("> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not text.strip():
            continue
        try:
            reply = requests.post(args.url, json={"sender": args.sender, "message": text}, timeout=60)
        except requests.ConnectionError:
            print("The helpline is not running: start it with `make run` in another terminal.")
            continue
        if reply.status_code != 200:
            print(f"[{reply.status_code}] {reply.text}")
            continue
        for message in reply.json():
            if "text" in message:
                print(message["text"])
            for button in message.get("buttons", []):
                print(f"  [{button.get('title')}]")


if __name__ == "__main__":
    raise SystemExit(main())
