"""The two outside judges: axe-core in the page, the Nu HTML Checker on the served HTML.

Both come from npm (package.json, pinned by package-lock.json; `make test` runs `npm ci`).
"""

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# What the checkers found per page ("home-az" → {"axe": 0, "html": 0}), printed at the end
# of the run by the browser conftest so CI's log carries the counts.
FINDINGS = {}


def record(page_name, checker, count):
    FINDINGS.setdefault(page_name, {})[checker] = count


def _need(path):
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run `make node_modules` (npm ci).")


@cache
def axe_source():
    _need(AXE)
    return AXE.read_text(encoding="utf-8")


def run_axe(page):
    """axe's WCAG 2.2 A/AA violations on the current page, as short readable lines.

    The page's context must have been opened with bypass_csp=True: our CSP rightly refuses
    an injected script, and only the accessibility test lets axe past it.
    """
    page.add_script_tag(content=axe_source())
    result = page.evaluate(
        """async (tags) => {
          const results = await axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
          });
          return results.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + n.failureSummary),
          }));
        }""",
        WCAG_TAGS,
    )
    return result


def describe_axe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"][:5])
    return "\n".join(lines)


def check_html(documents, workdir):
    """Nu HTML Checker messages for {name: html}, as {name: [message, ...]}, errors only.

    One Java start for all the documents: the checker takes a folder of files.
    """
    _need(VNU)
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is needed for the Nu HTML Checker (apt-get install default-jre-headless)")
    names = {}
    for index, (name, html) in enumerate(documents.items()):
        path = Path(workdir) / f"page-{index}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name
    completed = subprocess.run(  # noqa: S603 - fixed arguments, our own files
        [java, "-jar", str(VNU), "--format", "json", "--errors-only", "--stdout", str(workdir)],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    try:
        report = json.loads(completed.stdout)
    except ValueError:
        pytest.fail(f"The Nu HTML Checker did not answer in JSON: {completed.stderr[:2000]}")
    errors = {name: [] for name in documents}
    for message in report["messages"]:
        url = message.get("url", "?")
        # The checker names files "file:/tmp/…/page-3.html": the file name is ours.
        name = names.get(url.rsplit("/", 1)[-1], url)
        line = message.get("lastLine", "?")
        errors.setdefault(name, []).append(
            f"line {line}: {message.get('message')} [{message.get('extract', '').strip()}]"
        )
    return errors
