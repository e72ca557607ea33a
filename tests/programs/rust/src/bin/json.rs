//! json: a small self-contained JSON encoder/decoder exercised on a few
//! thousand generated records, plus pattern scanning over generated text.
//! (No crates: the program must build offline.) Only checksums are printed.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(BTreeMap<String, Json>),
}

fn encode(v: &Json, out: &mut String) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Num(n) => out.push_str(&format!("{n}")),
        Json::Str(s) => encode_str(s, out),
        Json::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode(item, out);
            }
            out.push(']');
        }
        Json::Obj(fields) => {
            out.push('{');
            for (i, (k, item)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode_str(k, out);
                out.push(':');
                encode(item, out);
            }
            out.push('}');
        }
    }
}

fn encode_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '<' | '>' | '&' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> Result<(), String> {
        if self.s[self.i..].starts_with(lit.as_bytes()) {
            self.i += lit.len();
            Ok(())
        } else {
            Err(format!("expected {lit} at {}", self.i))
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        self.ws();
        let v = match self.s.get(self.i) {
            Some(b'n') => self.eat("null").map(|_| Json::Null)?,
            Some(b't') => self.eat("true").map(|_| Json::Bool(true))?,
            Some(b'f') => self.eat("false").map(|_| Json::Bool(false))?,
            Some(b'"') => Json::Str(self.string()?),
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s[self.i] == b']' {
                    self.i += 1;
                } else {
                    loop {
                        items.push(self.value()?);
                        self.ws();
                        match self.s[self.i] {
                            b',' => self.i += 1,
                            b']' => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(format!("bad array at {}", self.i)),
                        }
                    }
                }
                Json::Arr(items)
            }
            Some(b'{') => {
                self.i += 1;
                let mut fields = BTreeMap::new();
                self.ws();
                if self.s[self.i] == b'}' {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        let k = self.string()?;
                        self.ws();
                        self.eat(":")?;
                        fields.insert(k, self.value()?);
                        self.ws();
                        match self.s[self.i] {
                            b',' => self.i += 1,
                            b'}' => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(format!("bad object at {}", self.i)),
                        }
                    }
                }
                Json::Obj(fields)
            }
            Some(_) => {
                let start = self.i;
                while self.i < self.s.len() && b"+-0123456789.eE".contains(&self.s[self.i]) {
                    self.i += 1;
                }
                let text = std::str::from_utf8(&self.s[start..self.i]).unwrap();
                Json::Num(text.parse().map_err(|e| format!("number {text:?}: {e}"))?)
            }
            None => return Err("unexpected end".into()),
        };
        Ok(v)
    }

    fn string(&mut self) -> Result<String, String> {
        self.eat("\"")?;
        let mut out = Vec::new();
        loop {
            let b = *self.s.get(self.i).ok_or("unterminated string")?;
            self.i += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let e = self.s[self.i];
                    self.i += 1;
                    match e {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'n' => out.push(b'\n'),
                        b'u' => {
                            let hex = std::str::from_utf8(&self.s[self.i..self.i + 4]).unwrap();
                            self.i += 4;
                            let c = char::from_u32(
                                u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?,
                            )
                            .ok_or("bad escape")?;
                            out.extend_from_slice(c.to_string().as_bytes());
                        }
                        other => return Err(format!("unknown escape {}", other as char)),
                    }
                }
                b => out.push(b),
            }
        }
        String::from_utf8(out).map_err(|e| e.to_string())
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Record {
    id: u32,
    name: String,
    email: String,
    score: f64,
    active: bool,
    tags: Vec<String>,
    notes: Option<String>,
}

impl Record {
    fn to_json(&self) -> Json {
        let mut m = BTreeMap::new();
        m.insert("id".into(), Json::Num(f64::from(self.id)));
        m.insert("name".into(), Json::Str(self.name.clone()));
        m.insert("email".into(), Json::Str(self.email.clone()));
        m.insert("score".into(), Json::Num(self.score));
        m.insert("active".into(), Json::Bool(self.active));
        m.insert(
            "tags".into(),
            Json::Arr(self.tags.iter().cloned().map(Json::Str).collect()),
        );
        m.insert(
            "notes".into(),
            self.notes.clone().map_or(Json::Null, Json::Str),
        );
        Json::Obj(m)
    }

    fn from_json(v: &Json) -> Option<Record> {
        let Json::Obj(m) = v else { return None };
        let s = |k: &str| match m.get(k) {
            Some(Json::Str(s)) => Some(s.clone()),
            _ => None,
        };
        let Some(Json::Arr(tags)) = m.get("tags") else {
            return None;
        };
        Some(Record {
            id: match m.get("id")? {
                Json::Num(n) => *n as u32,
                _ => return None,
            },
            name: s("name")?,
            email: s("email")?,
            score: match m.get("score")? {
                Json::Num(n) => *n,
                _ => return None,
            },
            active: matches!(m.get("active")?, Json::Bool(true)),
            tags: tags
                .iter()
                .map(|t| match t {
                    Json::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .collect::<Option<_>>()?,
            notes: s("notes"),
        })
    }
}

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "ü", "ß", "\"q\"", "<>&",
];

fn word(r: &mut Lcg, n: usize) -> String {
    (0..n)
        .map(|_| SYLLABLES[(r.next() % SYLLABLES.len() as u64) as usize])
        .collect()
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// Counts `<letters>@<letters>.org` tokens (letters: ASCII lowercase).
fn count_emails(text: &str) -> usize {
    text.split(|c: char| c.is_whitespace() || c == ';')
        .filter(|tok| {
            let Some((user, domain)) = tok.split_once('@') else {
                return false;
            };
            let Some(host) = domain.strip_suffix(".org") else {
                return false;
            };
            !user.is_empty() && !host.is_empty() && host.bytes().all(|b| b.is_ascii_lowercase())
        })
        .count()
}

fn main() {
    let mut r = Lcg(7);
    let records: Vec<Record> = (0..3000)
        .map(|i| Record {
            id: i,
            name: word(&mut r, 3),
            email: format!("user{i}@{}.example", word(&mut r, 2)),
            score: (r.next() % 100000) as f64 / 7.0,
            active: r.next().is_multiple_of(2),
            tags: vec![word(&mut r, 1), word(&mut r, 2)],
            notes: (i % 5 == 0).then(|| word(&mut r, 5)),
        })
        .collect();

    let mut encoded = String::new();
    encode(
        &Json::Arr(records.iter().map(Record::to_json).collect()),
        &mut encoded,
    );
    println!(
        "encoded {} bytes fnv1a={:016x}",
        encoded.len(),
        fnv(encoded.as_bytes())
    );

    let parsed = Parser {
        s: encoded.as_bytes(),
        i: 0,
    }
    .value()
    .unwrap_or_else(|e| {
        println!("parse failed: {e}");
        std::process::exit(1)
    });
    let Json::Arr(items) = &parsed else {
        println!("not an array");
        std::process::exit(1)
    };
    let decoded: Option<Vec<Record>> = items.iter().map(Record::from_json).collect();
    println!(
        "decoded {} records, equal={}",
        items.len(),
        decoded.as_ref() == Some(&records)
    );

    let mut reencoded = String::new();
    encode(&parsed, &mut reencoded);
    println!("re-encoding identical: {}", reencoded == encoded);

    let mut text = String::new();
    let mut dates = 0;
    for _ in 0..20000 {
        match r.next() % 4 {
            0 => text += &format!("mail {}@{}.org; ", word(&mut r, 2), word(&mut r, 1)),
            1 => {
                dates += 1;
                text += &format!(
                    "date 20{:02}-{:02}-{:02} ",
                    r.next() % 30,
                    1 + r.next() % 12,
                    1 + r.next() % 28
                )
            }
            2 => text += &format!("num {} ", r.next() % 1000000),
            _ => text += &(word(&mut r, 3) + " "),
        }
    }
    let found_dates = text
        .split(' ')
        .filter(|t| {
            t.len() == 10
                && t.starts_with("20")
                && t.as_bytes()[4] == b'-'
                && t.as_bytes()[7] == b'-'
        })
        .count();
    println!(
        "text {} bytes fnv1a={:016x}",
        text.len(),
        fnv(text.as_bytes())
    );
    println!(
        "ascii emails={} dates={found_dates} (generated {dates})",
        count_emails(&text)
    );
}
