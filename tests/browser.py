"""Headless Chromium, as a person's browser would open a report."""
import os
import shutil
import subprocess

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def required() -> bool:
    """CI sets CLAIMCHECK_REQUIRE_BROWSER=1 so a missing browser fails instead of skipping."""
    return os.environ.get("CLAIMCHECK_REQUIRE_BROWSER") == "1"


def run(args, profile, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=timeout)
