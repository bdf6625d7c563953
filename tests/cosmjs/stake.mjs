// Staking as Keplr and dapps do it with cosmjs: the staking query extension lists the bonded
// validators, SigningStargateClient.delegateTokens and undelegateTokens (gas "auto") sign the
// standard messages, and the queries read the delegation, the unbonding entry, the pool and
// the parameters. Prints one JSON line; exits non-zero on any failure.
//   RPC=http://127.0.0.1:26657 MNEMONIC="..." AMOUNT=3000000 node stake.mjs
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, QueryClient, SigningStargateClient, assertIsDeliverTxSuccess, coin, setupStakingExtension } from "@cosmjs/stargate";
import { Tendermint37Client } from "@cosmjs/tendermint-rpc";
import { toBase64 } from "@cosmjs/encoding";

const { RPC, MNEMONIC } = process.env;
const AMOUNT = process.env.AMOUNT ?? "3000000";
if (!RPC || !MNEMONIC) {
  console.error("set RPC and MNEMONIC");
  process.exit(2);
}

const wallet = await DirectSecp256k1HdWallet.fromMnemonic(MNEMONIC, { prefix: "agora" });
const [{ address: delegator }] = await wallet.getAccounts();
const client = await SigningStargateClient.connectWithSigner(RPC, wallet, { gasPrice: GasPrice.fromString("0.025uagora") });
const tm = await Tendermint37Client.connect(RPC);
const query = QueryClient.withExtensions(tm, setupStakingExtension);

const { validators } = await query.staking.validators("BOND_STATUS_BONDED");
const validator = validators[0];
const before = await client.getDelegation(delegator, validator.operatorAddress);

const delegated = await client.delegateTokens(delegator, validator.operatorAddress, coin(AMOUNT, "uagora"), "auto", "staked by cosmjs");
assertIsDeliverTxSuccess(delegated);
const after = await client.getDelegation(delegator, validator.operatorAddress);
const { validator: updated } = await query.staking.validator(validator.operatorAddress);

const half = (BigInt(AMOUNT) / 2n).toString();
const undelegated = await client.undelegateTokens(delegator, validator.operatorAddress, coin(half, "uagora"), "auto", "unstaked by cosmjs");
assertIsDeliverTxSuccess(undelegated);
const { unbond } = await query.staking.unbondingDelegation(delegator, validator.operatorAddress);
const { pool } = await query.staking.pool();
const { params } = await query.staking.params();

console.log(JSON.stringify({
  delegator,
  validator: validator.operatorAddress,
  consensusKey: toBase64(validator.consensusPubkey.value.slice(2)),
  before: before?.amount ?? "0",
  after: after?.amount ?? "0",
  tokensAfterDelegation: updated.tokens,
  delegateHeight: delegated.height,
  unbondingBalance: unbond.entries[unbond.entries.length - 1].balance,
  bondedTokens: pool.bondedTokens,
  notBondedTokens: pool.notBondedTokens,
  unbondingTimeSeconds: Number(params.unbondingTime.seconds),
  bondDenom: params.bondDenom,
}));
client.disconnect();
tm.disconnect();
