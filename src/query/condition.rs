//! A piece of SQL with its bound values: what `sql` compiles a query into and
//! what the store pastes into its statements. Only constant SQL text goes into
//! `sql`; every value a user typed is a `Param`. Binding them to a statement is
//! the store's (`store::reader`).

/// A bound parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// A condition: SQL with `?` placeholders and their values in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Condition {
    pub sql: String,
    pub params: Vec<Param>,
}

impl Condition {
    pub(super) fn new(sql: &str, params: Vec<Param>) -> Self {
        Condition {
            sql: sql.to_string(),
            params,
        }
    }

    /// `NOT (condition)` when `negated`.
    pub(super) fn negate(self, negated: bool) -> Self {
        if negated {
            Condition {
                sql: format!("NOT ({})", self.sql),
                params: self.params,
            }
        } else {
            self
        }
    }

    /// All of `parts` (true when empty).
    pub fn all(parts: Vec<Condition>) -> Condition {
        if parts.is_empty() {
            return Condition::new("1", Vec::new());
        }
        let sql = parts
            .iter()
            .map(|part| format!("({})", part.sql))
            .collect::<Vec<_>>()
            .join(" AND ");
        Condition {
            sql,
            params: parts.into_iter().flat_map(|part| part.params).collect(),
        }
    }
}
