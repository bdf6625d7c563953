//! Bank messages as validated domain types: a `Send` can only be built from a `MsgSend`
//! whose addresses and coins are valid, so handlers never see a malformed message.

use agora_types::{Address, Coin, Coins};
use cosmos_sdk_proto::cosmos::bank::v1beta1 as pb;

use crate::BankError;

pub const MSG_SEND_URL: &str = "/cosmos.bank.v1beta1.MsgSend";
pub const MSG_MULTI_SEND_URL: &str = "/cosmos.bank.v1beta1.MsgMultiSend";
pub const MSG_UPDATE_PARAMS_URL: &str = "/cosmos.bank.v1beta1.MsgUpdateParams";

/// Every message of the bank module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BankMsg {
    Send(Send),
    MultiSend(MultiSend),
    /// New parameters, checked against the authority when executed.
    UpdateParams { authority: Address, params: crate::Params },
}

impl BankMsg {
    /// Addresses whose signatures the message requires.
    pub fn signers(&self) -> Vec<Address> {
        match self {
            Self::Send(m) => vec![m.from],
            Self::MultiSend(m) => vec![m.input.0],
            Self::UpdateParams { authority, .. } => vec![*authority],
        }
    }

    /// The balance keys executing the message reads, lazily (a caller takes as many as it
    /// wants): a hint for reading them ahead of execution, never relied on for correctness.
    pub fn read_hints(&self) -> Box<dyn Iterator<Item = Vec<u8>> + '_> {
        fn balances<'a>(address: &'a Address, coins: &'a Coins) -> impl Iterator<Item = Vec<u8>> + 'a {
            coins.iter().map(move |coin| crate::state::keys::balance(address, &coin.denom))
        }
        match self {
            Self::Send(m) => Box::new(balances(&m.from, &m.amount).chain(balances(&m.to, &m.amount))),
            Self::MultiSend(m) => {
                Box::new(std::iter::once(&m.input).chain(&m.outputs).flat_map(|(address, coins)| balances(address, coins)))
            }
            Self::UpdateParams { .. } => Box::new(std::iter::empty()),
        }
    }

    pub fn type_url(&self) -> &'static str {
        match self {
            Self::Send(_) => MSG_SEND_URL,
            Self::MultiSend(_) => MSG_MULTI_SEND_URL,
            Self::UpdateParams { .. } => MSG_UPDATE_PARAMS_URL,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Send {
    pub from: Address,
    pub to: Address,
    pub amount: Coins,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultiSend {
    /// The single sender (the Cosmos SDK allows exactly one input since v0.47).
    pub input: (Address, Coins),
    pub outputs: Vec<(Address, Coins)>,
}

fn address(field: &str, value: &str) -> Result<Address, BankError> {
    value.parse().map_err(|e: agora_types::AddressError| BankError::InvalidAddress(format!("{field}: {e}")))
}

/// Valid, positive, non-empty coins with distinct denoms.
fn coins(field: &str, protos: &[cosmos_sdk_proto::cosmos::base::v1beta1::Coin]) -> Result<Coins, BankError> {
    if protos.is_empty() {
        return Err(BankError::InvalidCoins(format!("{field}: no coins")));
    }
    let mut list = Vec::with_capacity(protos.len());
    for proto in protos {
        let coin = Coin::from_proto(proto).map_err(|e| BankError::InvalidCoins(format!("{field}: {e}")))?;
        if coin.amount == 0 {
            return Err(BankError::InvalidCoins(format!("{field}: amount of {} must be positive", coin.denom)));
        }
        list.push(coin);
    }
    Coins::from_list(list).map_err(|e| BankError::InvalidCoins(format!("{field}: {e}")))
}

impl TryFrom<pb::MsgUpdateParams> for BankMsg {
    type Error = BankError;

    fn try_from(msg: pb::MsgUpdateParams) -> Result<Self, Self::Error> {
        let params = msg.params.as_ref().ok_or_else(|| BankError::InvalidParams("params are missing".into()))?;
        Ok(Self::UpdateParams { authority: address("authority", &msg.authority)?, params: crate::Params::from_proto(params)? })
    }
}

impl TryFrom<pb::MsgSend> for Send {
    type Error = BankError;

    fn try_from(msg: pb::MsgSend) -> Result<Self, Self::Error> {
        Ok(Self {
            from: address("from_address", &msg.from_address)?,
            to: address("to_address", &msg.to_address)?,
            amount: coins("amount", &msg.amount)?,
        })
    }
}

impl TryFrom<pb::MsgMultiSend> for MultiSend {
    type Error = BankError;

    fn try_from(msg: pb::MsgMultiSend) -> Result<Self, Self::Error> {
        let input = match msg.inputs.as_slice() {
            [] => return Err(BankError::NoInputs),
            [one] => (address("inputs[0].address", &one.address)?, coins("inputs[0].coins", &one.coins)?),
            _ => return Err(BankError::MultipleSenders),
        };
        if msg.outputs.is_empty() {
            return Err(BankError::NoOutputs);
        }
        let mut outputs = Vec::with_capacity(msg.outputs.len());
        let mut total = Coins::new();
        for (i, out) in msg.outputs.iter().enumerate() {
            let addr = address(&format!("outputs[{i}].address"), &out.address)?;
            let amount = coins(&format!("outputs[{i}].coins"), &out.coins)?;
            for coin in amount.iter() {
                total.add(&coin).map_err(|e| BankError::InvalidCoins(e.to_string()))?;
            }
            outputs.push((addr, amount));
        }
        if total != input.1 {
            return Err(BankError::InputOutputMismatch { inputs: input.1.to_string(), outputs: total.to_string() });
        }
        Ok(Self { input, outputs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as PbCoin;

    fn pb_coin(denom: &str, amount: &str) -> PbCoin {
        PbCoin { denom: denom.into(), amount: amount.into() }
    }

    fn addr(b: u8) -> String {
        Address::new([b; 20]).to_bech32()
    }

    fn send(amount: Vec<PbCoin>) -> pb::MsgSend {
        pb::MsgSend { from_address: addr(1), to_address: addr(2), amount }
    }

    #[test]
    fn read_hints_name_the_balances_a_message_touches() {
        use crate::state::keys::balance;
        let denom = |d: &str| agora_types::Denom::new(d).expect("denom");
        let send = BankMsg::Send(Send::try_from(send(vec![pb_coin("uagora", "10"), pb_coin("uusdc", "2")])).expect("valid"));
        let (from, to) = (Address::new([1; 20]), Address::new([2; 20]));
        let mut expected = vec![
            balance(&from, &denom("uagora")),
            balance(&from, &denom("uusdc")),
            balance(&to, &denom("uagora")),
            balance(&to, &denom("uusdc")),
        ];
        let mut hints: Vec<Vec<u8>> = send.read_hints().collect();
        hints.sort();
        expected.sort();
        assert_eq!(hints, expected);

        let multi = pb::MsgMultiSend {
            inputs: vec![pb::Input { address: addr(1), coins: vec![pb_coin("uagora", "10")] }],
            outputs: vec![
                pb::Output { address: addr(2), coins: vec![pb_coin("uagora", "4")] },
                pb::Output { address: addr(3), coins: vec![pb_coin("uagora", "6")] },
            ],
        };
        let multi = BankMsg::MultiSend(MultiSend::try_from(multi).expect("valid"));
        let hints: Vec<Vec<u8>> = multi.read_hints().collect();
        assert_eq!(hints, [1u8, 2, 3].map(|b| balance(&Address::new([b; 20]), &denom("uagora"))).to_vec());
    }

    #[test]
    fn valid_send_builds() {
        let msg = Send::try_from(send(vec![pb_coin("uagora", "10")])).expect("valid");
        assert_eq!(msg.amount.to_string(), "10uagora");
    }

    #[test]
    fn send_refusals_name_what_is_wrong() {
        let cases = [
            (send(vec![]), "no coins"),
            (send(vec![pb_coin("uagora", "0")]), "must be positive"),
            (send(vec![pb_coin("uagora", "-5")]), "invalid amount"),
            (send(vec![pb_coin("uagora", "340282366920938463463374607431768211456")]), "invalid amount"),
            (send(vec![pb_coin("u$", "5")]), "invalid denom"),
            (send(vec![pb_coin("uagora", "5"), pb_coin("uagora", "6")]), "duplicate denom"),
            (pb::MsgSend { from_address: "cosmos1xyz".into(), ..send(vec![pb_coin("uagora", "1")]) }, "from_address"),
        ];
        for (msg, needle) in cases {
            let err = Send::try_from(msg).expect_err(needle);
            assert!(err.to_string().contains(needle), "{err} should contain {needle}");
        }
    }

    #[test]
    fn multi_send_needs_one_input_and_balanced_outputs() {
        let input = pb::Input { address: addr(1), coins: vec![pb_coin("uagora", "10")] };
        let out = |n: &str| pb::Output { address: addr(2), coins: vec![pb_coin("uagora", n)] };
        let ok = pb::MsgMultiSend { inputs: vec![input.clone()], outputs: vec![out("4"), out("6")] };
        assert!(MultiSend::try_from(ok).is_ok());
        let bad = pb::MsgMultiSend { inputs: vec![input.clone()], outputs: vec![out("4")] };
        assert!(matches!(MultiSend::try_from(bad), Err(BankError::InputOutputMismatch { .. })));
        let two = pb::MsgMultiSend { inputs: vec![input.clone(), input.clone()], outputs: vec![out("20")] };
        assert!(matches!(MultiSend::try_from(two), Err(BankError::MultipleSenders)));
        let none = pb::MsgMultiSend { inputs: vec![], outputs: vec![out("1")] };
        assert!(matches!(MultiSend::try_from(none), Err(BankError::NoInputs)));
        let no_out = pb::MsgMultiSend { inputs: vec![input], outputs: vec![] };
        assert!(matches!(MultiSend::try_from(no_out), Err(BankError::NoOutputs)));
    }
}
