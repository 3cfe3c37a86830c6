"""Setting a child up and starting, on the open round of the `field` fixture."""

from __future__ import annotations

import pytest

SETUP = {
    "assistance_mode": "reading_help",
    "layout": "faces",
    "scale_steps": "3",
    "text_size": "large",
    "language": "da",
    "read_aloud": "y",
}


@pytest.fixture
def child_client(client, field):
    """Return a function: a client that entered a child's code, set up and started."""

    def enter(who: str = "young", setup: dict | None = None):
        response = client.post("/respond/", data={"code": field.codes[who].lower()})
        assert response.status_code == 303, response.get_data(as_text=True)
        assert response.headers["Location"] == "/respond/setup"
        # The adult of a 6-9-year-old also chooses the period the questions are about.
        period = {"reference_period": "weeks4"} if who == "young" else {}
        data = {**SETUP, **period, **(setup or {})}
        assert client.post("/respond/setup", data=data).status_code == 303
        response = client.post("/respond/assent", data={"answer": "start"})
        assert response.status_code == 303
        return client, response.headers["Location"]

    return enter
