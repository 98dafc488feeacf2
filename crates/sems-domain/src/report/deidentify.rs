//! De-identification of a report's text before it is forwarded: suggestions of what
//! probably identifies somebody (names of the organisation's people, numbers, addresses,
//! badge and flight identifiers), which the handler reviews, and their application.

/// One piece of a text that probably identifies somebody.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
    pub kind: &'static str,
    pub text: String,
}

fn token_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                spans.push((s, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

/// Trims punctuation around a token, keeping the byte range exact.
fn trim_span(text: &str, (mut s, mut e): (usize, usize)) -> (usize, usize) {
    let punct = |c: char| {
        matches!(
            c,
            ',' | ';' | ':' | '.' | '!' | '?' | '(' | ')' | '"' | '\'' | '[' | ']'
        )
    };
    while s < e {
        let Some(c) = text[s..e].chars().next() else {
            break;
        };
        if punct(c) && c != '+' {
            s += c.len_utf8();
        } else {
            break;
        }
    }
    while s < e {
        let Some(c) = text[s..e].chars().next_back() else {
            break;
        };
        if punct(c) {
            e -= c.len_utf8();
        } else {
            break;
        }
    }
    (s, e)
}

/// Words of the reports themselves that are also people's names in a directory: as a name
/// they are proposed only where the text uses them as one.
const COMMON_WORDS: &[&str] = &[
    "agent",
    "alarm",
    "apron",
    "baggage",
    "black",
    "brown",
    "cargo",
    "check",
    "cleaner",
    "control",
    "crew",
    "customs",
    "day",
    "desk",
    "door",
    "driver",
    "duty",
    "fence",
    "field",
    "gate",
    "green",
    "guard",
    "hall",
    "hill",
    "lane",
    "long",
    "manager",
    "officer",
    "park",
    "patrol",
    "pilot",
    "police",
    "porter",
    "post",
    "ramp",
    "screener",
    "screening",
    "security",
    "short",
    "staff",
    "supervisor",
    "terminal",
    "tower",
    "ward",
    "warehouse",
    "watch",
    "white",
    "young",
];

fn is_common_word(word: &str) -> bool {
    COMMON_WORDS.contains(&word.to_lowercase().as_str())
}

/// Whether the word after `before` stands as a name: it follows a title ("Mr", "Officer")
/// or an initial ("S.").
fn stands_as_name(before: &str) -> bool {
    const TITLES: &[&str] = &[
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "sir",
        "officer",
        "captain",
        "capt",
        "sgt",
        "sergeant",
        "inspector",
        "colleague",
    ];
    let Some(previous) = before.split_whitespace().next_back() else {
        return false;
    };
    let bare = previous.trim_end_matches('.');
    let initial = bare.chars().count() == 1 && bare.chars().all(char::is_uppercase);
    initial || TITLES.contains(&bare.to_lowercase().as_str())
}

/// Suggests what to remove before a report leaves the organisation: e-mail addresses, phone
/// numbers, badge and staff numbers, and the names of people in the directory. The handler
/// decides; suggestions never replace reading the text.
pub fn suggest_redactions(text: &str, names: &[String]) -> Vec<Redaction> {
    let mut found: Vec<Redaction> = Vec::new();
    let spans = token_spans(text);
    let words: Vec<(usize, usize)> = spans.iter().map(|s| trim_span(text, *s)).collect();
    let mut i = 0;
    while i < words.len() {
        let (s, e) = words[i];
        let word = &text[s..e];
        let digits = word.chars().filter(char::is_ascii_digit).count();
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if word.contains('@') && word.rsplit('@').next().is_some_and(|d| d.contains('.')) {
            found.push(Redaction {
                start: s,
                end: e,
                kind: "e-mail address",
                text: word.into(),
            });
        } else if letters == 0
            && digits > 0
            && word
                .chars()
                .all(|c| c.is_ascii_digit() || "+-()/.".contains(c))
        {
            // A phone number may be written in groups: join the following numeric tokens.
            let mut end = e;
            let mut total = digits;
            let mut j = i + 1;
            while j < words.len() {
                let (ns, ne) = words[j];
                let next = &text[ns..ne];
                if !next.is_empty()
                    && next
                        .chars()
                        .all(|c| c.is_ascii_digit() || "+-()/.".contains(c))
                    && text[end..ns].trim().is_empty()
                {
                    total += next.chars().filter(char::is_ascii_digit).count();
                    end = ne;
                    j += 1;
                } else {
                    break;
                }
            }
            let previous = i
                .checked_sub(1)
                .map(|p| text[words[p].0..words[p].1].to_lowercase())
                .unwrap_or_default();
            let badge_word = [
                "badge", "staff", "id", "employee", "pass", "no", "number", "card",
            ]
            .iter()
            .any(|w| previous.trim_end_matches(['.', ':', '#']) == *w);
            if total >= 7 {
                found.push(Redaction {
                    start: s,
                    end,
                    kind: "phone number",
                    text: text[s..end].into(),
                });
                i = j;
                continue;
            } else if total >= 3 && badge_word {
                found.push(Redaction {
                    start: s,
                    end: e,
                    kind: "badge or staff number",
                    text: word.into(),
                });
            }
        } else if letters > 0
            && digits >= 3
            && word
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '/')
        {
            found.push(Redaction {
                start: s,
                end: e,
                kind: "badge or staff number",
                text: word.into(),
            });
        }
        i += 1;
    }
    // Names from the directory: the full name, and the surname on its own.
    for name in names {
        let full = name.trim();
        if full.len() < 3 {
            continue;
        }
        let mut needles = vec![full.to_string()];
        if let Some(surname) = full
            .split_whitespace()
            .last()
            .filter(|s| s.chars().count() >= 4)
        {
            if surname != full {
                needles.push(surname.to_string());
            }
        }
        for (k, needle) in needles.into_iter().enumerate() {
            // A name made of words a report uses anyway ("Warehouse Staff") is matched only as
            // written; one such word alone ("Staff" the surname) only where it stands as a
            // name, after a title or an initial ("Mr Staff", "S. Staff").
            let common = needle.split_whitespace().all(is_common_word);
            let alone = common && !needle.contains(char::is_whitespace);
            // The full name matches in any case; a surname alone only as written (a
            // capitalised word), so "Staff" the surname does not catch "staff".
            let (lower_text, lower_needle) = if k == 0 && !common {
                (text.to_lowercase(), needle.to_lowercase())
            } else {
                (text.to_string(), needle.clone())
            };
            // Lower-casing can change byte lengths outside ASCII; only use it when it did not.
            if lower_text.len() != text.len() {
                continue;
            }
            let mut from = 0;
            while let Some(at) = lower_text[from..].find(&lower_needle) {
                let s = from + at;
                let e = s + lower_needle.len();
                let before = text[..s].chars().next_back();
                let after = text[e..].chars().next();
                let bounded = before.is_none_or(|c| !c.is_alphanumeric())
                    && after.is_none_or(|c| !c.is_alphanumeric());
                let inside = found.iter().any(|r| r.start <= s && e <= r.end);
                if bounded && !inside && (!alone || stands_as_name(&text[..s])) {
                    found.push(Redaction {
                        start: s,
                        end: e,
                        kind: "name",
                        text: text[s..e].into(),
                    });
                }
                from = e;
            }
        }
    }
    found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    // Drop suggestions inside an earlier, longer one.
    let mut kept: Vec<Redaction> = Vec::new();
    for r in found {
        if kept.last().is_none_or(|k| r.start >= k.end) {
            kept.push(r);
        }
    }
    kept
}

/// The text with every suggestion replaced by its kind in brackets.
pub fn apply_redactions(text: &str, redactions: &[Redaction]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in redactions {
        if r.start < at || r.end > text.len() {
            continue;
        }
        out.push_str(&text[at..r.start]);
        out.push('[');
        out.push_str(r.kind);
        out.push(']');
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}
