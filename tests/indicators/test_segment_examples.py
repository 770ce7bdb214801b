"""The integration examples under docs/examples, run as they are against a live csplatform.

The README quotes these files; running them here keeps what it shows working: the Python one with
Segment's library, the shell one with curl.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.models import Account, Contact
from accounts.services.api_keys import api_key_create
from indicators.models import Event

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "docs" / "examples"


@pytest.fixture
def example_env(world_a, live_server):
    write_key = api_key_create(tenant=world_a.tenant, name="examples", scopes=["ingest"])[1]
    return {**os.environ, "CSP_WRITE_KEY": write_key, "CSP_HOST": live_server.url}


def run(command, env):
    return subprocess.run(command, cwd=EXAMPLES.parent.parent, env=env, capture_output=True, text=True, timeout=60)


def test_the_python_example_creates_a_contact_an_account_and_an_event(world_a, example_env):
    done = run([sys.executable, str(EXAMPLES / "segment_python.py")], example_env)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    account = Account.objects.for_tenant(world_a.tenant).get(external_id="globex")
    assert (account.name, account.segment, account.arr, account.licenses) == ("Globex", "enterprise", 120000, 250)
    contact = Contact.objects.for_tenant(world_a.tenant).get(external_id="u-42")
    assert (contact.email, contact.name, contact.account) == ("ada@globex.example", "Ada Lovelace", account)
    event = Event.objects.for_tenant(world_a.tenant).get()
    assert (event.name, event.account, event.contact, event.properties) == (
        "Report Exported",
        account,
        contact,
        {"format": "csv"},
    )


def test_the_python_example_says_when_the_key_is_refused(world_a, example_env):
    done = run([sys.executable, str(EXAMPLES / "segment_python.py")], {**example_env, "CSP_WRITE_KEY": "csp_wrong"})
    assert "csplatform refused" in done.stderr
    assert not Event.objects.for_tenant(world_a.tenant).exists()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_curl_example_creates_a_contact_an_account_and_an_event(world_a, example_env):
    done = run(["bash", str(EXAMPLES / "segment_curl.sh")], example_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"success":true' in done.stdout.replace(" ", "") and '"accepted":3' in done.stdout.replace(" ", "")
    account = Account.objects.for_tenant(world_a.tenant).get(external_id="initech")
    contact = Contact.objects.for_tenant(world_a.tenant).get(external_id="u-43")
    assert (contact.email, contact.account) == ("grace@initech.example", account)
    event = Event.objects.for_tenant(world_a.tenant).get()
    assert (event.name, event.account, event.contact) == ("Dashboard Viewed", account, contact)
