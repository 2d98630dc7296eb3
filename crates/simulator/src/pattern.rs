//! The `pattern` constraints of the spec's properties: a small regular-expression engine for
//! the subset they use, with Python `re.match` semantics (the official Python SDK's model
//! setters check them that way: anchored at the start, at the end only with `$`), and a
//! sampler that produces a matching string (for generated answers).
//!
//! Supported: literals and escapes (`\.`, `\-`, ...), `.`, classes (`[a-fA-F0-9]`, `[^...]`,
//! `\d \w \s` and their negations), groups (`(...)`, `(?:...)`) with `|`, quantifiers
//! `* + ? {n} {n,} {n,m}` (a trailing lazy `?` is accepted), anchors `^ $`. Anything else is
//! refused by [`Pattern::parse`], and the caller treats the constraint as absent.

use std::cell::Cell;

use crate::util::Rng;

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Char(char),
    Any,
    Class {
        ranges: Vec<(char, char)>,
        negated: bool,
    },
    Start,
    End,
    Group(Vec<Vec<Node>>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

/// A parsed pattern.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    alternatives: Vec<Vec<Node>>,
    source: String,
}

/// Matching steps before a match is given up (a bound on backtracking; the spec's patterns need
/// a few per character).
const MAX_STEPS: usize = 200_000;

const DIGITS: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')];
const SPACE: &[(char, char)] = &[(' ', ' '), ('\t', '\r')];

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    source: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.pos += 1;
        c
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!(
            "pattern '{}': {what} at offset {}",
            self.source, self.pos
        ))
    }

    fn alternatives(&mut self) -> Result<Vec<Vec<Node>>, String> {
        let mut alts = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            alts.push(self.sequence()?);
        }
        Ok(alts)
    }

    fn sequence(&mut self) -> Result<Vec<Node>, String> {
        let mut seq = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            self.pos += 1;
            let atom = match c {
                '^' => Node::Start,
                '$' => Node::End,
                '.' => Node::Any,
                '[' => self.class()?,
                '(' => {
                    if self.peek() == Some('?') {
                        self.pos += 1;
                        if self.next() != Some(':') {
                            return self.err("only (?:...) groups are supported");
                        }
                    }
                    let alts = self.alternatives()?;
                    if self.next() != Some(')') {
                        return self.err("unclosed group");
                    }
                    Node::Group(alts)
                }
                '\\' => self.escape(false)?,
                '*' | '+' | '?' => return self.err("nothing to repeat"),
                c => Node::Char(c),
            };
            let atom = self.quantified(atom)?;
            seq.push(atom);
        }
        Ok(seq)
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                let start = self.pos;
                self.pos += 1;
                let min = self.number();
                let max = if self.peek() == Some(',') {
                    self.pos += 1;
                    self.number()
                } else {
                    min
                };
                if self.peek() != Some('}') || min.is_none() {
                    // Python reads a `{` that is not a quantifier as a literal.
                    self.pos = start;
                    return Ok(atom);
                }
                (min.unwrap_or(0), max)
            }
            _ => return Ok(atom),
        };
        self.pos += 1;
        if self.peek() == Some('?') {
            self.pos += 1; // lazy: the same language
        }
        if matches!(atom, Node::Start | Node::End) {
            return self.err("an anchor cannot be repeated");
        }
        if max.is_some_and(|m| m < min) {
            return self.err("bad repetition range");
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
        })
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == start {
            return None;
        }
        self.chars[start..self.pos]
            .iter()
            .collect::<String>()
            .parse()
            .ok()
    }

    /// After a backslash; `in_class` reads `\b` as a backspace (as Python does).
    fn escape(&mut self, in_class: bool) -> Result<Node, String> {
        let Some(c) = self.next() else {
            return self.err("trailing backslash");
        };
        let class = |ranges: &[(char, char)], negated| Node::Class {
            ranges: ranges.to_vec(),
            negated,
        };
        Ok(match c {
            'd' => class(DIGITS, false),
            'D' => class(DIGITS, true),
            'w' => class(WORD, false),
            'W' => class(WORD, true),
            's' => class(SPACE, false),
            'S' => class(SPACE, true),
            'n' => Node::Char('\n'),
            't' => Node::Char('\t'),
            'r' => Node::Char('\r'),
            'b' if in_class => Node::Char('\u{8}'),
            c if c.is_ascii_alphanumeric() => return self.err("unsupported escape"),
            c => Node::Char(c),
        })
    }

    fn class(&mut self) -> Result<Node, String> {
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.next() else {
                return self.err("unclosed character class");
            };
            if c == ']' && !first {
                break;
            }
            first = false;
            let lo = if c == '\\' {
                match self.escape(true)? {
                    Node::Char(c) => c,
                    Node::Class {
                        ranges: r,
                        negated: false,
                    } => {
                        ranges.extend(r);
                        continue;
                    }
                    _ => return self.err("negated class escape inside a class"),
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|c| *c != ']') {
                self.pos += 1;
                let hi = match self.next() {
                    Some('\\') => match self.escape(true)? {
                        Node::Char(c) => c,
                        _ => return self.err("a class cannot end a range"),
                    },
                    Some(c) => c,
                    None => return self.err("unclosed character class"),
                };
                if hi < lo {
                    return self.err("bad character range");
                }
                ranges.push((lo, hi));
            } else {
                ranges.push((lo, lo));
            }
        }
        Ok(Node::Class { ranges, negated })
    }
}

fn class_has(ranges: &[(char, char)], negated: bool, c: char) -> bool {
    ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != negated
}

impl Pattern {
    /// Parses a pattern, or says why it is not supported.
    pub fn parse(source: &str) -> Result<Pattern, String> {
        let mut p = Parser {
            chars: source.chars().collect(),
            pos: 0,
            source,
        };
        let alternatives = p.alternatives()?;
        if p.pos < p.chars.len() {
            return p.err("unbalanced ')'");
        }
        Ok(Pattern {
            alternatives,
            source: source.to_string(),
        })
    }

    /// The pattern as written in the spec.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether `s` matches from its start (Python's `re.match`: the end need not be reached
    /// unless the pattern says `$`).
    pub fn matches(&self, s: &str) -> bool {
        let chars: Vec<char> = s.chars().collect();
        let steps = Cell::new(0);
        self.alternatives
            .iter()
            .any(|seq| m_seq(&chars, &steps, seq, 0, &mut |_| true))
    }

    /// A string matching the pattern with a length in `min_len..=max_len` (characters), chosen
    /// by `seed`; `None` when no attempt fits.
    pub fn sample(&self, seed: u64, min_len: usize, max_len: usize) -> Option<String> {
        // Repetition counts tried for unbounded quantifiers, in order.
        const EXTRA: [u32; 8] = [3, 1, 2, 5, 8, 0, 12, 20];
        for (attempt, extra) in EXTRA.iter().enumerate() {
            let mut rng = Rng::new(seed.wrapping_add(attempt as u64));
            let mut out = String::new();
            let group = Node::Group(self.alternatives.clone());
            sample_node(&group, &mut rng, *extra, &mut out);
            let n = out.chars().count();
            if (min_len..=max_len).contains(&n) && self.matches(&out) {
                return Some(out);
            }
        }
        None
    }
}

fn m_seq(
    chars: &[char],
    steps: &Cell<usize>,
    seq: &[Node],
    pos: usize,
    k: &mut dyn FnMut(usize) -> bool,
) -> bool {
    match seq.split_first() {
        None => k(pos),
        Some((first, rest)) => m_node(chars, steps, first, pos, &mut |p| {
            m_seq(chars, steps, rest, p, k)
        }),
    }
}

fn m_node(
    chars: &[char],
    steps: &Cell<usize>,
    node: &Node,
    pos: usize,
    k: &mut dyn FnMut(usize) -> bool,
) -> bool {
    steps.set(steps.get() + 1);
    if steps.get() > MAX_STEPS {
        return false;
    }
    let c = chars.get(pos).copied();
    match node {
        Node::Char(x) => c == Some(*x) && k(pos + 1),
        Node::Any => c.is_some_and(|c| c != '\n') && k(pos + 1),
        Node::Class { ranges, negated } => {
            c.is_some_and(|c| class_has(ranges, *negated, c)) && k(pos + 1)
        }
        Node::Start => pos == 0 && k(pos),
        Node::End => pos == chars.len() && k(pos),
        Node::Group(alts) => alts.iter().any(|seq| m_seq(chars, steps, seq, pos, k)),
        Node::Repeat { node, min, max } => m_rep(chars, steps, node, (*min, *max), 0, pos, k),
    }
}

/// Greedy repetition: as many as possible, then fewer.
fn m_rep(
    chars: &[char],
    steps: &Cell<usize>,
    node: &Node,
    (min, max): (u32, Option<u32>),
    done: u32,
    pos: usize,
    k: &mut dyn FnMut(usize) -> bool,
) -> bool {
    if max.is_none_or(|m| done < m)
        && m_node(chars, steps, node, pos, &mut |p| {
            // An empty repetition makes no progress.
            p > pos && m_rep(chars, steps, node, (min, max), done + 1, p, k)
        })
    {
        return true;
    }
    done >= min && k(pos)
}

fn sample_node(node: &Node, rng: &mut Rng, extra: u32, out: &mut String) {
    match node {
        Node::Char(c) => out.push(*c),
        Node::Any => out.push('x'),
        Node::Class { ranges, negated } => {
            if *negated {
                let c = "xX0_-."
                    .chars()
                    .chain('a'..='z')
                    .find(|c| class_has(ranges, true, *c))
                    .unwrap_or('x');
                out.push(c);
            } else if !ranges.is_empty() {
                let (lo, hi) = ranges[rng.below(ranges.len() as u64) as usize];
                let span = (hi as u32 - lo as u32) as u64 + 1;
                let c = char::from_u32(lo as u32 + rng.below(span) as u32).unwrap_or(lo);
                // Whitespace picked from `\s` reads oddly in an example; prefer a space.
                out.push(if c.is_whitespace() { ' ' } else { c });
            }
        }
        Node::Start | Node::End => {}
        Node::Group(alts) => {
            if !alts.is_empty() {
                let seq = &alts[rng.below(alts.len() as u64) as usize];
                for n in seq {
                    sample_node(n, rng, extra, out);
                }
            }
        }
        Node::Repeat { node, min, max } => {
            let n = match max {
                Some(m) => (*min).max((*m).min(min + extra)),
                None => min + extra,
            };
            for _ in 0..n {
                sample_node(node, rng, extra, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    const UUID4: &str =
        "[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-4[a-fA-F0-9]{3}-[89abAB][a-fA-F0-9]{3}-[a-fA-F0-9]{12}";

    #[test]
    fn matches_like_python_re_match() {
        let p = Pattern::parse("^[0-9]*$").unwrap();
        assert!(p.matches("") && p.matches("0044"));
        assert!(!p.matches("+44") && !p.matches("44a"));
        // Anchored at the start only: a valid prefix is enough without `$`.
        let p = Pattern::parse(UUID4).unwrap();
        assert!(p.matches("3fa85f64-5717-4562-b3fc-2c963f66afa6"));
        assert!(p.matches("3fa85f64-5717-4562-b3fc-2c963f66afa6-and-more"));
        assert!(!p.matches("x3fa85f64-5717-4562-b3fc-2c963f66afa6"));
        assert!(!p.matches("3fa85f64-5717-1562-b3fc-2c963f66afa6"));
        let p = Pattern::parse("^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$").unwrap();
        assert!(p.matches("#2E7D32") && p.matches("#fff"));
        assert!(!p.matches("#ffff") && !p.matches("2E7D32") && !p.matches("#2E7D32 "));
        let p = Pattern::parse(r"^[a-zA-Z0-9\.\+\-\_\(\)\s]+$").unwrap();
        assert!(p.matches("my function (v2).zip"));
        assert!(!p.matches("a/b") && !p.matches(""));
        let p = Pattern::parse(r"([a-f0-9]{8}|\*)").unwrap();
        assert!(p.matches("*") && p.matches("deadbeef") && !p.matches("x"));
        let p = Pattern::parse("a{2,3}?b|c?d+").unwrap();
        assert!(p.matches("aab") && p.matches("aaab") && p.matches("dd") && p.matches("cd"));
        assert!(!p.matches("ab") && !p.matches("c"));
        let p = Pattern::parse("[^0-9]x.").unwrap();
        assert!(p.matches("ax!") && !p.matches("1x!") && !p.matches("ax"));
    }

    #[test]
    fn refuses_what_it_does_not_support() {
        for p in ["(?=a)", r"\p{L}", "[a", "(a", "a)", "*a", r"\1", "a{3,2}"] {
            assert!(Pattern::parse(p).is_err(), "{p}");
        }
        // A `{` that is no quantifier is a literal, as in Python.
        assert!(Pattern::parse("a{x").unwrap().matches("a{x"));
    }

    #[test]
    fn samples_match_and_fit_the_lengths() {
        for (src, min, max) in [
            (UUID4, 36, 36),
            ("^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$", 4, 7),
            ("^[A-Za-z0-9]+$", 2, 8),
            ("^[0-9]*$", 1, 4),
            (r"^[a-zA-Z0-9\.\+\-\_\(\)\s]+$", 1, 64),
            (r"([a-fA-F0-9]{8}-[a-fA-F0-9]{4}|\*)", 1, 13),
        ] {
            let p = Pattern::parse(src).unwrap();
            for seed in 0..20 {
                let s = p.sample(seed, min, max).unwrap_or_else(|| panic!("{src}"));
                let n = s.chars().count();
                assert!(p.matches(&s) && (min..=max).contains(&n), "{src}: {s:?}");
            }
        }
        // Samples vary with the seed.
        let p = Pattern::parse(UUID4).unwrap();
        assert_ne!(p.sample(1, 36, 36), p.sample(2, 36, 36));
        // No string of the pattern fits.
        assert_eq!(Pattern::parse("^[0-9]{5}$").unwrap().sample(0, 1, 4), None);
    }
}
