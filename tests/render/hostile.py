"""A corpus of hostile values: quoting, interpolation in every target language,
YAML's implicit types, line breaks and non-ASCII text."""

MARKER = "/tmp/gaev-injection-marker"

HOSTILE = [
    "it's",
    'say "hi"',
    "back\\slash\\",
    "trailing\\",
    "#{File.write('" + MARKER + "', 'ruby')}",
    "${jndi:ldap://x}",
    "$${env.HOME}",
    "%{if true}x%{endif}",
    "{{ lookup('pipe', 'touch " + MARKER + "') }}",
    "{% for x in range(3) %}{{x}}{% endfor %}",
    "$(touch " + MARKER + ")",
    "`touch " + MARKER + "`",
    "; touch " + MARKER + "; #",
    "no",
    "on",
    "0777",
    "1e3",
    "null",
    "~",
    "2024-01-01",
    "0x1F",
    "1_000",
    ".inf",
    "- item",
    "key: value",
    "&anchor *alias",
    "!!python/object:os.system",
    "<tag attr=\"x\">&amp;</tag>",
    "Données générales — 数据 🧬",
    "tab\there",
    "   padded   ",
    "'; system('touch " + MARKER + "'); '",
    "\\'; system(\\'touch " + MARKER + "\\'); \\'",
    "end\nVagrant.configure('2') { |c| system('touch " + MARKER + "') }",
    "trailing newline\n",
    "line\u2028separator\u2029paragraph",
    "\u2028leading separator",
]

# Line breaks of every kind that a `$`-anchored pattern or a one-line field could let
# through: each must be refused in a name, a host name, a package, a path.
LINE_BREAKS = ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"]
