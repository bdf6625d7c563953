//! ICS-20 fungible token transfers: the `transfer` port's module, on Agora's bank.
//!
//! * Native coins (and vouchers of a third chain) leaving through a channel are escrowed in
//!   the channel's ADR-028 escrow address; coming back, they are unescrowed.
//! * Coins of another chain arriving are minted here as vouchers named
//!   `ibc/{SHA256(path/base)}` (upper-case hex), whose trace is recorded; leaving towards their
//!   source, they are burned.
//! * A receive that fails writes nothing but its error acknowledgement; a timeout or an error
//!   acknowledgement refunds the sender.

use agora_component::isolated;
use agora_types::{Address, Coin, Coins, Denom};
use ibc::apps::transfer::context::{TokenTransferExecutionContext, TokenTransferValidationContext};
use ibc::apps::transfer::module as ics20;
use ibc::apps::transfer::types::error::TokenTransferError;
use ibc::apps::transfer::handler::process_recv_packet_execute;
use ibc::apps::transfer::types::events::RecvEvent;
use ibc::apps::transfer::types::packet::PacketData;
use ibc::apps::transfer::types::{ack_success_b64, Memo, PrefixedCoin, PrefixedDenom, MODULE_ID_STR, PORT_ID_STR, VERSION};
use ibc::core::channel::types::acknowledgement::{Acknowledgement, AcknowledgementStatus};
use ibc::core::channel::types::channel::{Counterparty, Order};
use ibc::core::channel::types::error::ChannelError;
use ibc::core::channel::types::packet::Packet;
use ibc::core::channel::types::Version;
use ibc::core::host::types::error::HostError;
use ibc::core::host::types::identifiers::{ChannelId, ConnectionId, PortId};
use ibc::core::router::module::Module;
use ibc::core::router::router::Router;
use ibc::core::router::types::event::ModuleEvent;
use ibc::core::router::types::module::{ModuleExtras, ModuleId};
use ibc::primitives::Signer;
use ibc_proto::ibc::applications::transfer::v1 as transfer_pb;
use sha2::{Digest, Sha256};

use crate::context::IbcHost;
use crate::error::coded;
use crate::keepers::BankKeeper;
use crate::state::{IbcRead, IbcWrite};
use crate::IbcError;

/// ibc-go's receive-side `ValidateBasic` limits (the ones `MsgTransfer` checks on send), which
/// a sending chain may not have checked.
pub fn beyond_receive_limits(data: &PacketData) -> Option<IbcError> {
    use crate::msg::{MAX_MEMO_LENGTH, MAX_RECEIVER_LENGTH};
    let (memo, receiver) = (data.memo.as_ref().len(), data.receiver.as_ref().len());
    if memo > MAX_MEMO_LENGTH {
        Some(IbcError::InvalidMemo(format!("memo is {memo} bytes, more than {MAX_MEMO_LENGTH}")))
    } else if receiver > MAX_RECEIVER_LENGTH {
        Some(IbcError::InvalidAddress(format!("receiver is {receiver} bytes, more than {MAX_RECEIVER_LENGTH}")))
    } else {
        None
    }
}

/// The module account that mints and burns vouchers.
pub const TRANSFER_MODULE: &str = "transfer";

/// The ADR-028 escrow address of a channel, as ibc-go derives it.
pub fn escrow_address(port_id: &str, channel_id: &str) -> Address {
    let mut preimage = VERSION.as_bytes().to_vec();
    preimage.push(0);
    preimage.extend_from_slice(format!("{port_id}/{channel_id}").as_bytes());
    let hash = Sha256::digest(&preimage);
    // 20 bytes of a 32-byte hash: always a valid address.
    Address::from_slice(&hash[..20]).unwrap_or_else(|_| Address::module("transfer/escrow"))
}

/// The hash (upper-case hex) naming the voucher of `full_path` (`port/channel/.../base`).
pub fn denom_hash(full_path: &str) -> String {
    hex::encode_upper(Sha256::digest(full_path.as_bytes()))
}

/// The bank denom a prefixed denom is held in here: its base if it has no trace (a native
/// coin), else its voucher `ibc/{hash}`.
pub fn local_denom(denom: &PrefixedDenom) -> Result<Denom, IbcError> {
    let name = if denom.trace_path.is_empty() { denom.base_denom.to_string() } else { format!("ibc/{}", denom_hash(&denom.to_string())) };
    Denom::new(name.clone()).map_err(|e| IbcError::Decode { what: "denom", reason: format!("{name}: {e}") })
}

/// The prefixed denom `ibc/{hash}` stands for, from the traces recorded here; any other
/// denom stands for itself.
pub fn resolve_denom(state: &dyn agora_store::StateRead, denom: &str) -> Result<String, IbcError> {
    let Some(hash) = denom.strip_prefix("ibc/") else {
        return Ok(denom.to_string());
    };
    let trace = state.denom_trace(&hash.to_ascii_uppercase())?.ok_or_else(|| IbcError::TraceNotFound(denom.to_string()))?;
    Ok(if trace.path.is_empty() { trace.base_denom } else { format!("{}/{}", trace.path, trace.base_denom) })
}

fn amount_of(coin: &PrefixedCoin) -> Result<u128, IbcError> {
    let text = coin.amount.as_ref().to_string();
    match text.parse::<u128>() {
        Ok(0) => Err(IbcError::InvalidAmount("amount must be positive".to_string())),
        Ok(amount) => Ok(amount),
        Err(_) => Err(IbcError::InvalidAmount(format!("{text} exceeds this chain's 128-bit amounts"))),
    }
}

fn local_coins(coin: &PrefixedCoin) -> Result<Coins, IbcError> {
    let coin = Coin::new(local_denom(&coin.denom)?, amount_of(coin)?);
    Coins::from_list(vec![coin]).map_err(|e| IbcError::InvalidAmount(e.to_string()))
}

fn host_error(error: IbcError) -> HostError {
    coded(&error)
}

/// ICS-20's token context over the host's state.
pub struct TransferContext<'h, 's> {
    pub host: &'h IbcHost<'s>,
}

impl TransferContext<'_, '_> {
    fn parse_account(signer: &Signer) -> Result<Address, HostError> {
        signer
            .as_ref()
            .parse::<Address>()
            .map_err(|e| host_error(IbcError::InvalidAddress(format!("{:?}: {e}", signer.as_ref()))))
    }

    /// A transfer out: bank's send switch for each denom, then the sender's balance.
    fn require_sendable(&self, holder: &Address, coins: &Coins) -> Result<(), HostError> {
        for coin in coins.iter() {
            let enabled = self.host.read(|state| self.host.keepers.bank.send_enabled(state, &coin.denom)).map_err(host_error)?;
            if !enabled {
                return Err(host_error(IbcError::DenomSendDisabled(coin.denom.to_string())));
            }
        }
        self.require_balance(holder, coins)
    }

    fn require_balance(&self, holder: &Address, coins: &Coins) -> Result<(), HostError> {
        for coin in coins.iter() {
            let balance = self.host.read(|state| self.host.keepers.bank.balance(state, holder, &coin.denom)).map_err(host_error)?;
            if balance < coin.amount {
                return Err(host_error(IbcError::InsufficientFunds(format!("{balance}{} is smaller than {}{}", coin.denom, coin.amount, coin.denom))));
            }
        }
        Ok(())
    }

    fn bank(&self, work: impl FnOnce(&dyn BankKeeper, &mut dyn agora_store::StateWrite) -> Result<Vec<agora_types::Event>, IbcError>) -> Result<(), HostError> {
        let bank = self.host.keepers.bank.as_ref();
        let events = self.host.write(|state| work(bank, state)).map_err(host_error)?;
        for event in events {
            self.host.emit(event);
        }
        Ok(())
    }

    /// Ok if governance's switch `enabled` reads on, else `off`.
    fn switched_on(&self, enabled: impl Fn(&transfer_pb::Params) -> bool, off: IbcError) -> Result<(), HostError> {
        let params = self.host.read(|state| state.transfer_params()).map_err(host_error)?;
        if enabled(&params) {
            Ok(())
        } else {
            Err(host_error(off))
        }
    }

    fn change_total_escrow(&self, denom: &Denom, amount: u128, add: bool) -> Result<(), HostError> {
        let total = self.host.read(|state| state.total_escrow(denom.as_str())).map_err(host_error)?;
        let total = if add { total.checked_add(amount) } else { total.checked_sub(amount) }
            .ok_or_else(|| host_error(IbcError::Internal(format!("escrow total of {denom} would leave its range"))))?;
        self.host.write(|state| state.put_total_escrow(denom.as_str(), total));
        Ok(())
    }
}

impl TokenTransferValidationContext for TransferContext<'_, '_> {
    type AccountId = Address;

    fn sender_account(&self, sender: &Signer) -> Result<Address, HostError> {
        Self::parse_account(sender)
    }

    fn receiver_account(&self, receiver: &Signer) -> Result<Address, HostError> {
        let address = Self::parse_account(receiver)?;
        let blocked = self.host.read(|state| self.host.keepers.bank.blocked(state, &address)).map_err(host_error)?;
        if blocked {
            return Err(host_error(IbcError::Unauthorized(format!("{address} is not allowed to receive funds"))));
        }
        Ok(address)
    }

    fn get_port(&self) -> Result<PortId, HostError> {
        Ok(PortId::transfer())
    }

    fn can_send_coins(&self) -> Result<(), HostError> {
        self.switched_on(|params| params.send_enabled, IbcError::SendDisabled)
    }

    fn can_receive_coins(&self) -> Result<(), HostError> {
        self.switched_on(|params| params.receive_enabled, IbcError::ReceiveDisabled)
    }

    fn escrow_coins_validate(&self, from: &Address, _port: &PortId, _channel: &ChannelId, coin: &PrefixedCoin, _memo: &Memo) -> Result<(), HostError> {
        self.require_sendable(from, &local_coins(coin).map_err(host_error)?)
    }

    fn unescrow_coins_validate(&self, _to: &Address, port: &PortId, channel: &ChannelId, coin: &PrefixedCoin) -> Result<(), HostError> {
        self.require_balance(&escrow_address(port.as_str(), channel.as_str()), &local_coins(coin).map_err(host_error)?)
    }

    fn mint_coins_validate(&self, _account: &Address, coin: &PrefixedCoin) -> Result<(), HostError> {
        local_coins(coin).map(|_| ()).map_err(host_error)
    }

    fn burn_coins_validate(&self, account: &Address, coin: &PrefixedCoin, _memo: &Memo) -> Result<(), HostError> {
        self.require_sendable(account, &local_coins(coin).map_err(host_error)?)
    }

    fn denom_hash_string(&self, denom: &PrefixedDenom) -> Option<String> {
        (!denom.trace_path.is_empty()).then(|| denom_hash(&denom.to_string()))
    }
}

impl TokenTransferExecutionContext for TransferContext<'_, '_> {
    fn escrow_coins_execute(&mut self, from: &Address, port: &PortId, channel: &ChannelId, coin: &PrefixedCoin, _memo: &Memo) -> Result<(), HostError> {
        let coins = local_coins(coin).map_err(host_error)?;
        let escrow = escrow_address(port.as_str(), channel.as_str());
        self.bank(|bank, state| bank.send_coins(state, from, &escrow, &coins))?;
        for coin in coins.iter() {
            self.change_total_escrow(&coin.denom, coin.amount, true)?;
        }
        Ok(())
    }

    fn unescrow_coins_execute(&mut self, to: &Address, port: &PortId, channel: &ChannelId, coin: &PrefixedCoin) -> Result<(), HostError> {
        let coins = local_coins(coin).map_err(host_error)?;
        let escrow = escrow_address(port.as_str(), channel.as_str());
        self.bank(|bank, state| bank.send_coins(state, &escrow, to, &coins))?;
        for coin in coins.iter() {
            self.change_total_escrow(&coin.denom, coin.amount, false)?;
        }
        Ok(())
    }

    fn mint_coins_execute(&mut self, account: &Address, coin: &PrefixedCoin) -> Result<(), HostError> {
        let coins = local_coins(coin).map_err(host_error)?;
        if !coin.denom.trace_path.is_empty() {
            let hash = denom_hash(&coin.denom.to_string());
            let known = self.host.read(|state| state.denom_trace(&hash)).map_err(host_error)?;
            if known.is_none() {
                let trace = transfer_pb::DenomTrace { path: coin.denom.trace_path.to_string(), base_denom: coin.denom.base_denom.to_string() };
                self.host.write(|state| state.put_denom_trace(&hash, &trace));
                // ibc-go's event, for a new trace only (ibc-rs's, on every receive, is dropped).
                self.host.emit(
                    agora_types::Event::new("denomination_trace").attr("trace_hash", &hash).attr("denom", format!("ibc/{hash}")),
                );
            }
        }
        let module = Address::module(TRANSFER_MODULE);
        self.bank(|bank, state| {
            let mut events = bank.mint_coins(state, TRANSFER_MODULE, &coins)?;
            events.extend(bank.send_coins(state, &module, account, &coins)?);
            Ok(events)
        })
    }

    fn burn_coins_execute(&mut self, account: &Address, coin: &PrefixedCoin, _memo: &Memo) -> Result<(), HostError> {
        let coins = local_coins(coin).map_err(host_error)?;
        let module = Address::module(TRANSFER_MODULE);
        self.bank(|bank, state| {
            let mut events = bank.send_coins(state, account, &module, &coins)?;
            events.extend(bank.burn_coins(state, TRANSFER_MODULE, &coins)?);
            Ok(events)
        })
    }
}

/// ibc-go's error acknowledgement: the error's ABCI code only, so every node (and every
/// release) writes the same bytes.
/// (`None` only if the bytes were empty, which they never are.)
pub fn error_acknowledgement(error: &IbcError) -> Option<Acknowledgement> {
    use agora_types::AbciError;
    let json = format!(r#"{{"error":"ABCI code: {}: error handling packet: see events for details"}}"#, error.code());
    Acknowledgement::try_from(json.into_bytes()).ok()
}

fn app_error(error: TokenTransferError) -> ChannelError {
    ChannelError::AppSpecific { description: error.to_string() }
}

/// The `transfer` port's module, as ibc-rs's router calls it.
pub struct TransferModule<'h, 's> {
    host: &'h IbcHost<'s>,
}

impl std::fmt::Debug for TransferModule<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TransferModule")
    }
}

impl<'h, 's> TransferModule<'h, 's> {
    fn ctx(&self) -> TransferContext<'h, 's> {
        TransferContext { host: self.host }
    }
}

impl Module for TransferModule<'_, '_> {
    fn on_chan_open_init_validate(
        &self,
        order: Order,
        connection_hops: &[ConnectionId],
        port_id: &PortId,
        channel_id: &ChannelId,
        counterparty: &Counterparty,
        version: &Version,
    ) -> Result<Version, ChannelError> {
        ics20::on_chan_open_init_validate(&self.ctx(), order, connection_hops, port_id, channel_id, counterparty, version).map_err(app_error)?;
        Ok(Version::new(VERSION.to_string()))
    }

    fn on_chan_open_init_execute(
        &mut self,
        order: Order,
        connection_hops: &[ConnectionId],
        port_id: &PortId,
        channel_id: &ChannelId,
        counterparty: &Counterparty,
        version: &Version,
    ) -> Result<(ModuleExtras, Version), ChannelError> {
        ics20::on_chan_open_init_execute(&mut self.ctx(), order, connection_hops, port_id, channel_id, counterparty, version).map_err(app_error)
    }

    fn on_chan_open_try_validate(
        &self,
        order: Order,
        connection_hops: &[ConnectionId],
        port_id: &PortId,
        channel_id: &ChannelId,
        counterparty: &Counterparty,
        counterparty_version: &Version,
    ) -> Result<Version, ChannelError> {
        ics20::on_chan_open_try_validate(&self.ctx(), order, connection_hops, port_id, channel_id, counterparty, counterparty_version)
            .map_err(app_error)?;
        Ok(Version::new(VERSION.to_string()))
    }

    fn on_chan_open_try_execute(
        &mut self,
        order: Order,
        connection_hops: &[ConnectionId],
        port_id: &PortId,
        channel_id: &ChannelId,
        counterparty: &Counterparty,
        counterparty_version: &Version,
    ) -> Result<(ModuleExtras, Version), ChannelError> {
        ics20::on_chan_open_try_execute(&mut self.ctx(), order, connection_hops, port_id, channel_id, counterparty, counterparty_version)
            .map_err(app_error)
    }

    fn on_chan_open_ack_validate(&self, port_id: &PortId, channel_id: &ChannelId, counterparty_version: &Version) -> Result<(), ChannelError> {
        ics20::on_chan_open_ack_validate(&self.ctx(), port_id, channel_id, counterparty_version).map_err(app_error)
    }

    fn on_chan_open_ack_execute(&mut self, port_id: &PortId, channel_id: &ChannelId, counterparty_version: &Version) -> Result<ModuleExtras, ChannelError> {
        ics20::on_chan_open_ack_execute(&mut self.ctx(), port_id, channel_id, counterparty_version).map_err(app_error)
    }

    fn on_chan_open_confirm_validate(&self, port_id: &PortId, channel_id: &ChannelId) -> Result<(), ChannelError> {
        ics20::on_chan_open_confirm_validate(&self.ctx(), port_id, channel_id).map_err(app_error)
    }

    fn on_chan_open_confirm_execute(&mut self, port_id: &PortId, channel_id: &ChannelId) -> Result<ModuleExtras, ChannelError> {
        ics20::on_chan_open_confirm_execute(&mut self.ctx(), port_id, channel_id).map_err(app_error)
    }

    fn on_chan_close_init_validate(&self, port_id: &PortId, channel_id: &ChannelId) -> Result<(), ChannelError> {
        ics20::on_chan_close_init_validate(&self.ctx(), port_id, channel_id).map_err(app_error)
    }

    fn on_chan_close_init_execute(&mut self, port_id: &PortId, channel_id: &ChannelId) -> Result<ModuleExtras, ChannelError> {
        ics20::on_chan_close_init_execute(&mut self.ctx(), port_id, channel_id).map_err(app_error)
    }

    fn on_chan_close_confirm_validate(&self, port_id: &PortId, channel_id: &ChannelId) -> Result<(), ChannelError> {
        ics20::on_chan_close_confirm_validate(&self.ctx(), port_id, channel_id).map_err(app_error)
    }

    fn on_chan_close_confirm_execute(&mut self, port_id: &PortId, channel_id: &ChannelId) -> Result<ModuleExtras, ChannelError> {
        ics20::on_chan_close_confirm_execute(&mut self.ctx(), port_id, channel_id).map_err(app_error)
    }

    /// Runs the receive on a fork kept only if it succeeds: a failed receive leaves nothing
    /// but its error acknowledgement, as ibc-go's cached context does. The error
    /// acknowledgement is ibc-go's (`ABCI code: <code>: error handling packet: see events for
    /// details`): deterministic, valid JSON whatever the packet held, with the reason in the
    /// `fungible_token_packet` event.
    fn on_recv_packet_execute(&mut self, packet: &Packet, _relayer: &Signer) -> (ModuleExtras, Option<Acknowledgement>) {
        let Ok(data) = serde_json::from_slice::<PacketData>(&packet.data) else {
            let error = IbcError::Transfer(TokenTransferError::FailedToDeserializePacketData);
            self.host.emit(agora_types::Event::new("fungible_token_packet").attr("success", "false").attr("error", error.to_string()));
            return (ModuleExtras::empty(), error_acknowledgement(&error));
        };
        if let Some(error) = beyond_receive_limits(&data) {
            self.host.emit(agora_types::Event::new("fungible_token_packet").attr("success", "false").attr("error", error.to_string()));
            return (ModuleExtras::empty(), error_acknowledgement(&error));
        }
        let block = self.host.block.clone();
        let keepers = self.host.keepers;
        let outcome = self.host.write(|state| {
            isolated(state, |fork| {
                let nested = IbcHost::new(fork, keepers, block);
                match process_recv_packet_execute(&mut TransferContext { host: &nested }, packet, data.clone()) {
                    Ok(extras) => Ok((extras, nested.take_events())),
                    Err(failure) => Err(Box::new(failure)),
                }
            })
        });
        let (mut extras, ack, error) = match outcome {
            Ok((mut extras, events)) => {
                for event in events {
                    self.host.emit(event);
                }
                extras.events.retain(|event| event.kind != "denomination_trace");
                (extras, Some(AcknowledgementStatus::success(ack_success_b64()).into()), None)
            }
            // Nothing of a failed receive stands, its extras (a trace never stored) included.
            Err(failure) => {
                let error = IbcError::Transfer(failure.1);
                (ModuleExtras::empty(), error_acknowledgement(&error), Some(error))
            }
        };
        let mut event: ModuleEvent = RecvEvent {
            sender: data.sender,
            receiver: data.receiver,
            denom: data.token.denom,
            amount: data.token.amount,
            memo: data.memo,
            success: error.is_none(),
        }
        .into();
        // One `fungible_token_packet` event, with the reason on failure, as ibc-go's.
        if let Some(error) = error {
            event.attributes.push(("error", error.to_string()).into());
        }
        extras.events.push(event);
        (extras, ack)
    }

    fn on_acknowledgement_packet_validate(&self, packet: &Packet, acknowledgement: &Acknowledgement, relayer: &Signer) -> Result<(), ChannelError> {
        ics20::on_acknowledgement_packet_validate(&self.ctx(), packet, acknowledgement, relayer).map_err(app_error)
    }

    fn on_acknowledgement_packet_execute(
        &mut self,
        packet: &Packet,
        acknowledgement: &Acknowledgement,
        relayer: &Signer,
    ) -> (ModuleExtras, Result<(), ChannelError>) {
        let (extras, result) = ics20::on_acknowledgement_packet_execute(&mut self.ctx(), packet, acknowledgement, relayer);
        (extras, result.map_err(app_error))
    }

    fn on_timeout_packet_validate(&self, packet: &Packet, relayer: &Signer) -> Result<(), ChannelError> {
        ics20::on_timeout_packet_validate(&self.ctx(), packet, relayer).map_err(app_error)
    }

    fn on_timeout_packet_execute(&mut self, packet: &Packet, relayer: &Signer) -> (ModuleExtras, Result<(), ChannelError>) {
        let (extras, result) = ics20::on_timeout_packet_execute(&mut self.ctx(), packet, relayer);
        (extras, result.map_err(app_error))
    }
}

/// The modules bound to ports: `transfer` only.
pub struct IbcRouter<'h, 's> {
    transfer: TransferModule<'h, 's>,
}

impl<'h, 's> IbcRouter<'h, 's> {
    pub fn new(host: &'h IbcHost<'s>) -> Self {
        Self { transfer: TransferModule { host } }
    }
}

impl Router for IbcRouter<'_, '_> {
    fn get_route(&self, module_id: &ModuleId) -> Option<&dyn Module> {
        (module_id.to_string() == MODULE_ID_STR).then_some(&self.transfer as &dyn Module)
    }

    fn get_route_mut(&mut self, module_id: &ModuleId) -> Option<&mut dyn Module> {
        if module_id.to_string() == MODULE_ID_STR {
            Some(&mut self.transfer)
        } else {
            None
        }
    }

    fn lookup_module(&self, port_id: &PortId) -> Option<ModuleId> {
        (port_id.as_str() == PORT_ID_STR).then(|| ModuleId::new(MODULE_ID_STR.to_string()))
    }
}
