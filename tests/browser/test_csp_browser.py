"""The strict Content-Security-Policy (issue 13, point 10): the main pages load and work under it.

Every page of each role is opened in Chromium with the policy the portal sends; a listener installed
before any page script records each ``securitypolicyviolation`` event, and the console is read for the
browser's own CSP messages.  None may occur — while the statistics chart draws (ECharts), htmx polls a
job, the confirm dialog and 取消 work, and the API documentation page renders.
"""

from __future__ import annotations

from django.test import Client

from portal.csp import DEFAULT_POLICY, DOCS_POLICY
from portal.models import Job, JobStatus, Role
from tests.factories import make_user

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " @" + e.sourceFile + ":" + e.lineNumber);
});
"""


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def violations_on(page, path: str, console: list) -> list[str]:
    console.clear()
    response = page.goto(path)
    assert response.status == 200, (path, response.status)
    assert response.headers["content-security-policy"] == (DOCS_POLICY if path == "/api/docs/" else DEFAULT_POLICY)
    page.wait_for_load_state("networkidle")
    return [f"{path}: {v}" for v in page.evaluate("window.__csp")] + [f"{path}: {c}" for c in console]


def test_main_pages_have_no_csp_violations(page, live_server):
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.context.add_init_script(RECORD_VIOLATIONS)
    found = []
    for path in ("/accounts/login/", "/crackdown/public/report/", "/crackdown/public/lists/",
                 "/crackdown/public/status/", "/registry/public/"):
        found += violations_on(page, path, console)

    hb = make_user("csp_hb", "130000", Role.PROVINCE_STAFF)
    bu = make_user("csp_bu", "000000", Role.MINISTRY_STAFF)
    job = Job.objects.create(kind="reference_integrity", title="核对任务", status=JobStatus.RUNNING, total=4, done=1,
                             authority=hb.authority, created_by=hb)
    login(page, live_server, hb)
    for path in ("/", "/crackdown/leads/", "/crackdown/leads/new/", "/crackdown/cases/", "/aid/lists/",
                 "/registry/organizations/", "/jobs/", "/api/docs/"):
        found += violations_on(page, path, console)
    # the API documentation rendered (it reads the whole schema first: slow on a busy machine)
    page.locator("#swagger-ui .information-container").wait_for(timeout=90000)
    found += [f"/api/docs/ (rendered): {v}" for v in page.evaluate("window.__csp")] + console
    found += violations_on(page, f"/jobs/{job.pk}/", console)
    page.wait_for_timeout(1500)  # htmx polls the job once a second and swaps the progress bar
    assert page.locator("#job-progress .progress-bar.w-pct-25").count() == 1
    found += [f"/jobs/{job.pk}/ (htmx): {v}" for v in page.evaluate("window.__csp")]
    # 取消 goes back without a javascript: address
    page.goto("/crackdown/leads/")
    page.goto("/crackdown/leads/new/")
    page.get_by_role("link", name="取消").click()
    page.wait_for_url("**/crackdown/leads/")
    assert page.locator("h1").count() >= 1

    login(page, live_server, bu)
    found += violations_on(page, "/crackdown/statistics/?date_from=2026-01-01&date_to=2026-12-31", console)
    assert page.locator("#stats-chart canvas").count() >= 1  # ECharts drew under the policy
    page.locator("#stats-chart canvas").first.hover()
    found += [f"statistics (tooltip): {v}" for v in page.evaluate("window.__csp")]
    assert not found, "违反内容安全策略：\n" + "\n".join(found)
