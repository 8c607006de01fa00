//! A YAML document as a tree whose every node knows its line, so that a bad
//! policy field can be named by where it is in the file (`yaml-rust2`'s event
//! parser gives the positions; its own loader drops them).

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// One node of the document and the line (1-based) where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub line: usize,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(String),
    List(Vec<Node>),
    /// Keys in file order, each with its own line.
    Map(Vec<(String, usize, Node)>),
}

impl Node {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(String, usize, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }
}

/// Parses `text`; an error names the line of the fault.
pub fn parse(text: &str) -> Result<Node, String> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser
        .load(&mut builder, false)
        .map_err(|error| format!("line {}: {}", error.marker().line(), error.info()))?;
    if let Some(error) = builder.error {
        return Err(error);
    }
    builder
        .root
        .ok_or_else(|| "the configuration is empty".to_string())
}

enum Open {
    List(usize, Vec<Node>),
    Map(usize, Vec<(String, usize, Node)>, Option<(String, usize)>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    root: Option<Node>,
    error: Option<String>,
}

impl Builder {
    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Open::List(_, items)) => items.push(node),
            Some(Open::Map(_, entries, key)) => match key.take() {
                Some((name, line)) => entries.push((name, line, node)),
                None => match node.value {
                    Value::Scalar(name) => *key = Some((name, node.line)),
                    _ => {
                        self.error.get_or_insert(format!(
                            "line {}: a mapping key must be a plain value",
                            node.line
                        ));
                        *key = Some((String::new(), node.line));
                    }
                },
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let line = mark.line();
        match event {
            Event::Scalar(text, ..) => self.push(Node {
                line,
                value: Value::Scalar(text),
            }),
            Event::SequenceStart(..) => self.stack.push(Open::List(line, Vec::new())),
            Event::MappingStart(..) => self.stack.push(Open::Map(line, Vec::new(), None)),
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Open::List(line, items)) => Node {
                        line,
                        value: Value::List(items),
                    },
                    Some(Open::Map(line, entries, _)) => Node {
                        line,
                        value: Value::Map(entries),
                    },
                    None => return,
                };
                self.push(node);
            }
            Event::Alias(_) => {
                self.error
                    .get_or_insert(format!("line {line}: YAML aliases are not supported"));
            }
            _ => {}
        }
    }
}
