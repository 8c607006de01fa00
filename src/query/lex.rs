//! Splits query text into raw terms: words, `"phrases"`, `/regexes/`, and
//! `field OP value` (OP one of `:` `=` `!=` `>` `>=` `<` `<=`), each possibly
//! negated with a leading `-`, each with the 1-based column where it starts.
//! Meaning (which fields exist, what values are valid) is `parse.rs`'s job.

use super::QueryError;

#[derive(Debug, Clone, PartialEq)]
pub struct RawTerm {
    pub negated: bool,
    pub column: usize,
    pub body: RawBody,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RawBody {
    Word(String),
    Phrase(String),
    Regex(String),
    Field {
        name: String,
        op: &'static str,
        value: String,
        value_column: usize,
    },
}

const OPERATORS: &[&str] = &["!=", ">=", "<=", ":", "=", ">", "<"];

pub fn lex(text: &str) -> Result<Vec<RawTerm>, QueryError> {
    let chars: Vec<char> = text.chars().collect();
    let mut terms = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        if chars[at].is_whitespace() {
            at += 1;
            continue;
        }
        let column = at + 1;
        let mut negated = false;
        if chars[at] == '-' {
            if chars.get(at + 1).is_none_or(|c| c.is_whitespace()) {
                return Err(QueryError::DanglingNot { column });
            }
            negated = true;
            at += 1;
        }
        let body = match chars[at] {
            '"' => {
                let (phrase, end) = delimited(&chars, at, '"')
                    .ok_or(QueryError::UnterminatedPhrase { column: at + 1 })?;
                at = end;
                RawBody::Phrase(phrase)
            }
            '/' => {
                let (regex, end) = delimited(&chars, at, '/')
                    .ok_or(QueryError::UnterminatedRegex { column: at + 1 })?;
                at = end;
                RawBody::Regex(regex)
            }
            _ => {
                let (body, end) = bare_or_field(&chars, at)?;
                at = end;
                body
            }
        };
        terms.push(RawTerm {
            negated,
            column,
            body,
        });
    }
    Ok(terms)
}

/// Text between `delimiter`s starting at `start`, with `\delimiter` and `\\` escapes
/// (other backslashes are kept, so regexes keep theirs). Returns the text and the
/// index after the closing delimiter.
fn delimited(chars: &[char], start: usize, delimiter: char) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut at = start + 1;
    while at < chars.len() {
        match chars[at] {
            '\\' if chars.get(at + 1) == Some(&delimiter) => {
                out.push(delimiter);
                at += 2;
            }
            '\\' if delimiter == '"' && chars.get(at + 1) == Some(&'\\') => {
                out.push('\\');
                at += 2;
            }
            c if c == delimiter => return Some((out, at + 1)),
            c => {
                out.push(c);
                at += 1;
            }
        }
    }
    None
}

/// A field term when the token starts with a field name and an operator; else a word.
fn bare_or_field(chars: &[char], start: usize) -> Result<(RawBody, usize), QueryError> {
    let mut name_end = start;
    while name_end < chars.len()
        && (chars[name_end].is_alphanumeric()
            || matches!(chars[name_end], '_' | '.' | '@' | '-' | '/'))
    {
        name_end += 1;
    }
    let starts_like_a_name = chars[start].is_alphabetic() || chars[start] == '_';
    if starts_like_a_name && name_end > start {
        let rest: String = chars[name_end..chars.len().min(name_end + 2)]
            .iter()
            .collect();
        if let Some(op) = OPERATORS.iter().find(|op| rest.starts_with(**op)) {
            let name: String = chars[start..name_end].iter().collect();
            let value_start = name_end + op.chars().count();
            let (value, end) = if chars.get(value_start) == Some(&'"') {
                delimited(chars, value_start, '"').ok_or(QueryError::UnterminatedPhrase {
                    column: value_start + 1,
                })?
            } else {
                let end = token_end(chars, value_start);
                (chars[value_start..end].iter().collect(), end)
            };
            let value_column = value_start + 1;
            return Ok((
                RawBody::Field {
                    name,
                    op,
                    value,
                    value_column,
                },
                end,
            ));
        }
    }
    let end = token_end(chars, start);
    Ok((RawBody::Word(chars[start..end].iter().collect()), end))
}

fn token_end(chars: &[char], start: usize) -> usize {
    let mut end = start;
    while end < chars.len() && !chars[end].is_whitespace() {
        end += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, op: &'static str, value: &str, value_column: usize) -> RawBody {
        RawBody::Field {
            name: name.into(),
            op,
            value: value.into(),
            value_column,
        }
    }

    #[test]
    fn terms_with_columns() {
        let terms = lex(r#"connection "reset by" -/time(out|d out)/ level>=warn attr.http.status_code=500 service:"my svc""#).unwrap();
        let bodies: Vec<(bool, usize, RawBody)> = terms
            .into_iter()
            .map(|t| (t.negated, t.column, t.body))
            .collect();
        assert_eq!(
            bodies,
            vec![
                (false, 1, RawBody::Word("connection".into())),
                (false, 12, RawBody::Phrase("reset by".into())),
                (true, 23, RawBody::Regex("time(out|d out)".into())),
                (false, 42, field("level", ">=", "warn", 49)),
                (false, 54, field("attr.http.status_code", "=", "500", 76)),
                (false, 80, field("service", ":", "my svc", 88)),
            ]
        );
    }

    #[test]
    fn escapes_and_errors() {
        let terms = lex(r#""say \"hi\"" /a\/b\d/"#).unwrap();
        assert_eq!(terms[0].body, RawBody::Phrase(r#"say "hi""#.into()));
        assert_eq!(terms[1].body, RawBody::Regex(r"a/b\d".into()));
        assert_eq!(
            lex(r#"ok "open"#),
            Err(QueryError::UnterminatedPhrase { column: 4 })
        );
        assert_eq!(
            lex("a /x"),
            Err(QueryError::UnterminatedRegex { column: 3 })
        );
        assert_eq!(lex("a - b"), Err(QueryError::DanglingNot { column: 3 }));
        assert_eq!(
            lex(r#"service:"x"#),
            Err(QueryError::UnterminatedPhrase { column: 9 })
        );
    }
}
