//! Cosmos-style events (a type and string attributes), as CometBFT indexes them.

/// One attribute of an event.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventAttribute {
    pub key: String,
    pub value: String,
    /// Whether CometBFT's indexer should index this attribute.
    pub index: bool,
}

/// An event emitted by a state transition.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Event {
    pub kind: String,
    pub attributes: Vec<EventAttribute>,
}

impl Event {
    pub fn new(kind: impl Into<String>) -> Self {
        Self { kind: kind.into(), attributes: Vec::new() }
    }

    /// Adds an indexed attribute.
    pub fn attr(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.attributes.push(EventAttribute { key: key.into(), value: value.to_string(), index: true });
        self
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.attributes.iter().find(|a| a.key == key).map(|a| a.value.as_str())
    }

    pub fn to_abci(&self) -> tendermint_proto::v0_38::abci::Event {
        tendermint_proto::v0_38::abci::Event {
            r#type: self.kind.clone(),
            attributes: self
                .attributes
                .iter()
                .map(|a| tendermint_proto::v0_38::abci::EventAttribute {
                    key: a.key.clone(),
                    value: a.value.clone(),
                    index: a.index,
                })
                .collect(),
        }
    }
}

/// A typed event struct of a module that renders to an ABCI event.
pub trait TypedEvent {
    fn to_event(&self) -> Event;
}
