"""The rule table: every problem ``handbook`` can report, with a stable code, its words and its fix.

Codes never change meaning once published (a retired rule keeps its number, unused). Messages and
hints are ``str.format`` templates filled from the facts of one case. The format reference and
the "Validation rules" page are generated from this table, so a rule written here is documented.
"""

from __future__ import annotations

from dataclasses import dataclass

from .problems import Problem


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    group: str
    message: str
    hint: str
    summary: str  # one sentence for the reference: what the rule guards
    severity: str = "error"
    example: str = ""  # a line of YAML that breaks the rule (for the reference)


GROUPS = {
    "file": "The file itself",
    "yaml": "YAML syntax",
    "structure": "Keys and types",
    "content": "What programme text may contain",
    "programme": "Programme rules and cross-references",
    "guide": "Hand-written guides",
}

_RULES = [
    # ------------------------------------------------------------------ the file
    Rule("HB101", "file-unreadable", "file", "cannot read the file: {reason}",
         "check that the file exists and that you may read it",
         "The file must exist and be readable."),
    Rule("HB102", "file-too-large", "file", "the file is too large ({size} bytes)",
         "a programme file stays under {limit} bytes; split very long text into a guide page",
         "A programme file stays under 1 MB, so a mistake cannot stall the build."),
    Rule("HB103", "not-utf8", "file", "the file is not UTF-8 text (byte {byte})",
         "save it as UTF-8 in your editor",
         "Files are UTF-8 text."),
    Rule("HB104", "empty-file", "file", "the file is empty",
         "start from 'handbook new ID --model MODEL'",
         "A programme file holds a programme."),
    Rule("HB105", "several-documents", "file", "the file holds more than one YAML document ('---')",
         "keep one programme per file",
         "One programme per file: no '---' separators.", example="---"),
    Rule("HB106", "not-a-mapping", "file", "a programme must be a mapping of keys, not {found}",
         "start with 'id: your-programme'",
         "The top of the file is a mapping of keys (id, title, ...), not a list or a single value."),
    Rule("HB107", "too-deep", "file", "the file is nested too deeply",
         "flatten the structure",
         "Nesting stays shallow enough to read."),
    # ------------------------------------------------------------------ YAML
    Rule("HB110", "yaml-syntax", "yaml", "YAML cannot read this line: {detail}",
         "check indentation, colons and quotes on this line and the one above",
         "The file must be valid YAML."),
    Rule("HB111", "yaml-tab", "yaml", "a tab character is used for indentation; YAML accepts only spaces",
         "replace the tab with spaces (most editors can show tabs and convert them)",
         "Indent with spaces, never tabs.", example="\tcadence: weekly"),
    Rule("HB112", "yaml-colon-in-text", "yaml",
         "a colon followed by a space inside the text makes YAML read a second key here",
         "put the whole text in quotes: {key}\"{text}\"",
         "A ': ' inside text needs the text in quotes.", example="title: Agenda: part one"),
    Rule("HB113", "yaml-unclosed-quote", "yaml", "the {quote} quote opened on line {opened} is never closed",
         "add the closing {quote_char} at the end of the text",
         "Every opening quote has a closing one.", example='title: "Bridge Builders'),
    Rule("HB114", "yaml-indentation", "yaml",
         "this line is indented differently from the lines around it ({here} space(s) here, "
         "{above} on line {above_line} above)",
         "line it up under the other keys at the same level (count the spaces; use 2 per level)",
         "Keys at the same level start in the same column.", example="   cadence: weekly"),
    Rule("HB115", "yaml-bracket-list", "yaml",
         "a '?' or ':' inside [ ... ] confuses YAML",
         "write the list as lines starting with '- ', or put the text in quotes",
         "Text with ':' or '?' inside a [ ... ] list needs quotes.", example="prompts: [Try this: a plan]"),
    Rule("HB116", "duplicate-key", "yaml", "duplicate key '{key}' (first written on line {first})",
         "keep one of the two; YAML would silently drop the first",
         "A key appears once per mapping."),
    Rule("HB117", "key-not-text", "yaml", "the key '{key}' is not text",
         "keys must be words; write it as '\"{key}\": ...' if it is meant as text",
         "Keys are words, not numbers, dates or lists.", example="12: pairs"),
    Rule("HB118", "tag-not-allowed", "yaml", "the tag '{tag}' is not allowed in a programme file",
         "remove the tag (the word starting with !) and write a plain value",
         "No YAML tags (!something): a programme file is plain data.", example="title: !include other.yaml"),
    Rule("HB119", "value-unreadable", "yaml", "this value cannot be read: {detail}",
         "put it in quotes",
         "Every value can be read as text, a number, a date or true/false."),
    Rule("HB120", "alias-expansion", "yaml",
         "anchors and aliases (&name / *name) expand this file beyond the allowed size",
         "write the text out instead of repeating it with aliases",
         "Aliases may not blow a small file up into a huge one."),
    Rule("HB121", "alias-recursive", "yaml", "an alias refers to itself (recursive anchor)",
         "remove the *alias", "An alias may not contain itself.", example="goals: &g [*g]"),
    Rule("HB122", "too-many-aliases", "yaml", "too many aliases (*name) in one file ({limit} at most)",
         "write the text out", "At most 100 aliases in one file."),
    Rule("HB123", "merge-not-mapping", "yaml", "'<<' must merge a mapping",
         "use '<<: *name' with a mapping anchor", "A '<<' merge key merges a mapping.", example="<<: *some-list"),
    Rule("HB124", "yaml-unclosed-bracket", "yaml", "the '{bracket}' opened on line {opened} is never closed with '{closing}'",
         "add the closing '{closing}', or write the list as lines starting with '- '",
         "Every '[' or '{{' has its closing bracket.", example="goals: [Better decisions"),
    Rule("HB125", "too-much-text", "yaml", "the file's text adds up to more than {limit} characters (aliases repeat text)",
         "write shorter text, or split the programme",
         "A programme's text, with aliases expanded, stays under 1,000,000 characters."),
    Rule("HB126", "text-too-long", "yaml", "this text is {length} characters long (at most {limit})",
         "shorten it, or split it into several items", "One value holds at most 20,000 characters."),
    Rule("HB127", "control-character", "yaml", "this text holds an invisible control character ({char})",
         "delete it and retype the text around it; paste as plain text",
         "Text holds no invisible control or direction-changing characters (they can hide what a reader sees)."),
    # ------------------------------------------------------------------ keys and types
    Rule("HB201", "unknown-key", "structure", "unknown key '{key}'{suggestion}",
         "{fix}", "Only the keys of the format are allowed; a typo is caught, not ignored.",
         example="sesions:"),
    Rule("HB202", "missing-key", "structure", "missing required key '{key}'{where}",
         "add '{key}: ...'", "Required keys must be written."),
    Rule("HB203", "wrong-type", "structure", "'{key}' should be {expected}, not {found}",
         "{fix}", "Each key holds the kind of value the format says (text, number, list, ...).",
         example="session_minutes: forty"),
    Rule("HB204", "not-a-choice", "structure", "'{key}' cannot be {found}{suggestion}",
         "choose one of: {choices}", "Keys with a fixed set of values accept only those values.",
         example="cadence: daily"),
    Rule("HB205", "bad-form", "structure", "'{key}' must be {form}, not {found}",
         "{fix}", "Ids, versions, language tags and 'when' follow a fixed form.", example="id: Bridge Builders"),
    Rule("HB206", "item-count", "structure", "'{key}' needs at least {limit} item(s)",
         "add the missing entries", "Some lists need a minimum number of entries (two roles, one session, one norm).",
         example="norms: []"),
    Rule("HB207", "out-of-range", "structure", "'{key}' is out of range: {detail} (got {found})",
         "use a value within the range", "Numbers stay within sensible bounds (minutes above 0 and at most a day).",
         example="minutes: -5"),
    Rule("HB208", "empty-text", "structure", "'{key}' must not be empty",
         "write a value or remove the key", "Text that is required is not empty."),
    Rule("HB209", "invalid-value", "structure", "'{key}': {detail}",
         "see the format reference for this key", "Any other value the format does not accept."),
    Rule("HB210", "too-many-items", "structure", "'{key}' has more than {limit} items",
         "remove entries, or split the programme into two",
         "Lists stay within what one handbook can print: at most 104 sessions, 12 roles and 200 items in any list.",
         example="roles: [... 13 roles ...]"),
    # ------------------------------------------------------------------ content safety
    Rule("HB301", "raw-html", "content", "raw HTML is not allowed in programme text (found '{found}…')",
         "write plain Markdown; use **bold** or *italics* for emphasis",
         "Programme text is Markdown without HTML.", example="summary: <b>Bold</b> claims"),
    Rule("HB302", "image-in-text", "content", "images are not allowed in programme text{target}",
         "describe it in words; programme text may not load files",
         "Programme text never loads images.", example="learns: ![x](photo.png)"),
    Rule("HB303", "link-in-text", "content",
         "links to files or web addresses are not allowed in programme text ('{target}')",
         "name the resource in words, or link a guide with the training 'guide' key",
         "Programme text links only to anchors (#...) and e-mail addresses.", example="learns: See [notes](notes.md)"),
    Rule("HB304", "address-in-text", "content", "web addresses are not allowed in programme text ('{target}')",
         "name the resource in words; the handbook never points readers at outside files",
         "Programme text holds no bare web addresses.", example="summary: see https://example.org"),
    Rule("HB305", "attribute-list", "content", "attribute lists are not allowed in programme text (found '{found}')",
         "remove the part in curly brackets; the handbook styles programme text itself",
         "Programme text carries no Markdown attribute lists ({{: ...}}, {{#id}}, {{.class}}).",
         example="summary: Welcome {: onclick=x }"),
    # ------------------------------------------------------------------ programme rules
    Rule("HB401", "id-not-file-name", "programme", "id '{id}' does not match the file name '{stem}.yaml'",
         "rename the file to '{id}.yaml' or set 'id: {stem}'",
         "A programme's id is its file name, so pages and PDFs are found where expected."),
    Rule("HB402", "duplicate-programme-id", "programme", "programme id '{id}' is already used by {other}",
         "give each programme its own id", "Programme ids are unique across the handbook."),
    Rule("HB403", "duplicate-role-id", "programme", "role id '{id}' is used twice",
         "give each role its own id", "Role ids are unique within a programme."),
    Rule("HB404", "unknown-role", "programme", "unknown role '{role}'{suggestion}",
         "roles defined in this programme: {roles}",
         "Every role named in outcomes, goals, training, sessions and check-ins is defined under 'roles' "
         "('coordinator', 'all' and 'both' are always allowed).", example="lead: cfo"),
    Rule("HB405", "custom-goal-without-fields", "programme", "a custom goal format needs 'fields'",
         "list the fields: '- key: ...' with 'label' and 'prompt'",
         "A custom goal format lists its own fields."),
    Rule("HB406", "duplicate-goal-field", "programme", "goal field '{key}' is listed twice",
         "keep one entry per field key", "Goal field keys are unique."),
    Rule("HB407", "unknown-goal-example-field", "programme",
         "goal example uses '{key}', which is not a field of the {format} format{suggestion}",
         "fields: {fields}", "A structured goal example uses only the fields of its goal format."),
    Rule("HB408", "duplicate-training-id", "programme", "training id '{id}' is used twice",
         "give each training module its own id", "Training module ids are unique within a programme."),
    Rule("HB409", "training-after-end", "programme", "'{when}' is after the last session (week {sessions})",
         "use week-1 … week-{sessions}, 'before-kickoff' or 'any'",
         "Training scheduled for week N happens while the programme runs.", example="when: week-9"),
    Rule("HB410", "guide-outside", "programme", "guide '{guide}' must be a Markdown page inside guides/",
         "write a path such as 'training/active-listening.md'",
         "A training guide is a .md path relative to guides/, without '..' or a web address."),
    Rule("HB411", "guide-missing", "programme", "guide '{guide}' does not exist under guides/",
         "create guides/{guide} or fix the path", "A training guide exists."),
    Rule("HB412", "session-numbering", "programme",
         "sessions must be numbered 1, 2, 3 … without gaps: expected {expected} here, found {found}",
         "renumber the sessions in order", "Sessions are numbered 1, 2, 3 … in order."),
    Rule("HB413", "agenda-too-long", "programme",
         "the agenda of session {number} adds up to {total} minutes, but the session lasts {length}",
         "shorten the steps or set 'minutes: {total}' on the session",
         "A session's agenda fits in the session."),
    Rule("HB414", "checkin-after-end", "programme",
         "check-in '{title}' comes after session {after}, but the programme has {sessions} session(s)",
         "use a number from 1 to {sessions}", "A check-in follows a session that exists."),
    Rule("HB415", "changelog-version", "programme",
         "the newest changelog entry is {logged} but the programme's version is {version}",
         "add a changelog entry for the new version at the top (newest first)",
         "The top changelog entry describes the current version."),
    Rule("HB416", "changelog-order", "programme", "changelog entries must be newest first",
         "move the newest entry to the top", "Changelog entries run newest first."),
    Rule("HB417", "comma-split-item", "programme", "list item '{item}' looks like the end of '{before}', split at a comma",
         "quote the whole item (\"{joined}\") or write one item per line",
         "A list written in [ ... ] on one line is split at every comma; a sentence with a comma needs quotes.",
         severity="warning", example="steps: [Note one thing, even small.]"),
    Rule("HB418", "unknown-time-zone", "programme", "unknown time zone '{zone}'{suggestion}",
         "write a zone of the tz database, such as 'Europe/Paris' or 'America/Toronto'",
         "A cohort's zone is a name from the tz database.", example="zone: Paris"),
    Rule("HB419", "zone-without-time", "programme", "cohort '{name}' has a time zone but no time",
         "add 'time: HH:MM' (24-hour clock) or remove 'zone'", "A zone goes with a start time."),
    Rule("HB420", "duplicate-cohort", "programme", "two cohorts are called '{name}'",
         "give each cohort its own name (the first is cohort {first})", "Cohort names are unique in a programme."),
    Rule("HB421", "cohort-page-clash", "programme", "cohorts '{first}' and '{name}' would share the page 'dates-{slug}'",
         "make the names differ in letters or digits", "Each cohort gets a Dates page of its own."),
    Rule("HB422", "cohort-clash", "programme",
         "cohort '{name}' meets at the same time as cohort '{first}' (session {number} of '{name}' and session "
         "{first_number} of '{first}', {day})", "start one of them on another day, or give them different times",
         "Two cohorts of one programme do not meet at the same time (they share facilitators and rooms)."),
    # ------------------------------------------------------------------ guides
    Rule("HB501", "guide-unreadable", "guide", "the page is not readable UTF-8 text",
         "save it as UTF-8", "Guide pages are UTF-8 text."),
    Rule("HB502", "guide-refused-element", "guide",
         "<{tag}> is not allowed in a guide (it runs, embeds or fetches something)", "the handbook is self-contained: write Markdown, keep images beside the page",
         "Guides use no HTML element that runs, embeds or fetches (script, iframe, img from elsewhere, style, svg, form, ...).",
         example='<iframe src="https://example.org"></iframe>'),
    Rule("HB503", "guide-remote-resource", "guide", "'{target}' would be fetched from another host or folder",
         "the handbook is self-contained: write Markdown, keep images beside the page", "Images and other resources are files inside guides/, never web addresses or absolute paths.",
         example="![x](https://example.org/x.png)"),
    Rule("HB504", "guide-style-fetch", "guide", "a style that loads a resource is not allowed in a guide",
         "the handbook is self-contained: write Markdown, keep images beside the page", "Inline styles load nothing (no url(), @import or image-set())."),
    Rule("HB505", "guide-script-attribute", "guide", "the '{name}' attribute runs script; remove it",
         "the handbook is self-contained: write Markdown, keep images beside the page", "No event-handler attributes (onclick, onerror, ...).", example='<p onclick="x()">Hi</p>'),
    Rule("HB506", "guide-bad-scheme", "guide", "links may not use '{scheme}:' URLs",
         "link to a page (https:, mailto: or a page of the handbook)",
         "Links never use javascript:, data:, file: or similar schemes.", example="[x](javascript:alert(1))"),
    Rule("HB507", "guide-outside-folder", "guide", "'{target}' points outside the guides folder",
         "keep the file inside guides/ and link to it there", "Resources are not fetched from outside guides/."),
    Rule("HB508", "guide-input-image", "guide", "<input type=image> loads an image",
         "use a Markdown image of a file beside the page", "No image inputs."),
    Rule("HB509", "guide-symlink-outside", "guide", "this link points outside the repository; it would publish that file",
         "copy the file into guides/ instead of linking to it", "Symbolic links stay inside the repository (and out of .git)."),
    Rule("HB510", "guide-file-name", "guide",
         "file and folder names under guides/ may use only letters, digits, '.', '_' and '-' (and not start with '.')",
         "rename it, e.g. 'active-listening.md'", "File names are plain, so their URLs are too."),
    Rule("HB511", "guide-file-type", "guide", "'{name}' cannot be published from guides/",
         "guides/ holds Markdown pages and images or PDFs ({kinds})",
         "guides/ holds only pages (.md), images and PDFs; nothing else is published."),
    Rule("HB512", "guide-too-large", "guide", "the page is larger than 1 MB", "split it into several pages",
         "A guide page stays under 1 MB."),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}
assert len(RULES) == len(_RULES), "duplicate rule code"


class _Blank(dict):
    def __missing__(self, key: str) -> str:  # a template never fails for a missing fact
        return ""


def problem(code: str, file: str, line: int, column: int, *, source: str = "", **facts: object) -> Problem:
    """The problem ``code`` at file:line:column, its message and hint filled from ``facts``."""
    rule = RULES[code]
    values = _Blank({k: "" if v is None else v for k, v in facts.items()})
    return Problem(file, line, column, rule.message.format_map(values), rule.hint.format_map(values),
                   rule.severity, code, source)
