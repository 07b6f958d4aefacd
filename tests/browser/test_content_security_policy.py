"""Pages work under the Content Security Policy: the browser tests run with it on (no bypass_csp),
and every one of them fails on a violation (conftest.watch_csp). Here: the policy is really sent
and enforced, and the watcher really sees what it blocks."""

from __future__ import annotations

import pytest

from conftest import Org

from .helpers import sign_in

pytestmark = pytest.mark.browser


def test_pages_are_sent_with_the_policy_and_break_none_of_it(org: Org, session) -> None:
    page = session.new_page()
    response = page.goto("/accounts/login/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "camera=()" in response.headers["permissions-policy"]
    sign_in(page, org.clerk)
    # The home page: Bootstrap's dropdown (the account menu) and htmx loaded, nothing refused.
    page.click("nav.navbar .dropdown > button.dropdown-toggle")
    assert page.locator("form[action='/accounts/logout/'] button").is_visible()
    assert page.evaluate("() => typeof htmx === 'object' && htmx.config.allowEval === false")
    assert page.evaluate("() => htmx.config.includeIndicatorStyles === false")
    assert session.problems == []


def test_what_the_policy_blocks_is_refused_and_reported(org: Org, session) -> None:
    page = session.new_page()
    sign_in(page, org.clerk)
    with page.expect_console_message(lambda message: message.text.startswith("CSP violation")):
        page.evaluate("""() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
        }""")
    assert page.evaluate("() => window.injected") is None
    with page.expect_console_message(lambda message: message.text.startswith("CSP violation")):
        page.evaluate(
            "() => document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.injected=1\">')")
    assert page.evaluate("() => window.injected") is None
    assert any("script-src" in problem for problem in session.problems), session.problems
    session.problems.clear()  # the violations were the point of this test


def test_the_api_documentation_works_under_its_policy(org: Org, session) -> None:
    page = session.new_page()
    sign_in(page, org.admin)
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "QLVB API" in page.locator(".swagger-ui .info .title").inner_text()
    assert session.problems == []
    page.goto("/api/redoc/")
    # ReDoc lays out the whole schema before its heading shows: 150 operations take it past the
    # default 10 s on a CI machine running two workers.
    page.get_by_role("heading", name="QLVB API").first.wait_for(timeout=45_000)
    page.wait_for_load_state("networkidle")
    page.close()  # nothing more to report after this
    # ReDoc reaches for Google Fonts and its logo on cdn.redoc.ly: refused, on purpose (nothing leaves
    # for a third party, and agencies may have no Internet); the page works without them.
    assert session.problems and all("fonts.googleapis.com" in problem or "cdn.redoc.ly" in problem
                                    for problem in session.problems), session.problems
    session.problems.clear()
