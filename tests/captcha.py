"""Solving the public forms' anti-spam check the way the widget does: fetch a challenge
from the host, find the number by brute force, send the signed payload back."""

import base64
import json

import altcha

CHALLENGE_URL = "/xac-minh/thu-thach/"


def captcha_payload(challenge: dict) -> str:
    """The payload the widget posts in the form's `altcha` field."""
    solution = altcha.solve_challenge(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    assert solution is not None, "the challenge has no solution in its range"
    return base64.b64encode(
        json.dumps(
            {
                "algorithm": challenge["algorithm"],
                "challenge": challenge["challenge"],
                "number": solution.number,
                "salt": challenge["salt"],
                "signature": challenge["signature"],
            }
        ).encode()
    ).decode()


def solved_captcha(client) -> dict[str, str]:
    """Form data that passes the check, from a fresh challenge of the client's host."""
    answer = client.get(CHALLENGE_URL)
    assert answer.status_code == 200
    return {"altcha": captcha_payload(answer.json())}


def solve_captcha_in_browser(page) -> None:
    """Tick the widget as a visitor does and wait for the browser's proof of work."""
    page.locator("altcha-widget").get_by_text("Tôi không phải là máy").click()
    page.wait_for_selector("altcha-widget [data-state=verified]", timeout=60_000)
