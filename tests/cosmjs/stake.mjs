// Staking as Keplr and dapps do it with cosmjs: the staking query extension lists the bonded
// validators, SigningStargateClient.delegateTokens and undelegateTokens (gas "auto") sign the
// standard messages, and the queries read the delegation, the unbonding entry, the pool and
// the parameters. Prints one JSON line; exits non-zero on any failure.
//   RPC=http://127.0.0.1:26657 MNEMONIC="..." AMOUNT=3000000 node stake.mjs
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, QueryClient, SigningStargateClient, assertIsDeliverTxSuccess, coin, setupDistributionExtension, setupStakingExtension } from "@cosmjs/stargate";
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
const query = QueryClient.withExtensions(tm, setupStakingExtension, setupDistributionExtension);

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

// Rewards: the distribution extension reads them, withdrawRewards pays them (whole units; the
// block that includes it adds that block's share first).
await new Promise((resolve) => setTimeout(resolve, 3000));
const { rewards } = await query.distribution.delegationRewards(delegator, validator.operatorAddress);
const owed = BigInt(rewards.find((c) => c.denom === "uagora")?.amount ?? "0") / 10n ** 18n;
const balanceBefore = BigInt((await client.getBalance(delegator, "uagora")).amount);
const withdrawn = await client.withdrawRewards(delegator, validator.operatorAddress, "auto", "rewards by cosmjs");
assertIsDeliverTxSuccess(withdrawn);
const balanceAfter = BigInt((await client.getBalance(delegator, "uagora")).amount);
const event = withdrawn.events.find((e) => e.type === "withdraw_rewards");
const paid = BigInt((event?.attributes.find((a) => a.key === "amount")?.value ?? "0uagora").replace("uagora", "") || "0");
const feePaid = BigInt(withdrawn.gasWanted) * 25n / 1000n + (BigInt(withdrawn.gasWanted) * 25n % 1000n > 0n ? 1n : 0n);

console.log(JSON.stringify({
  rewardsQueried: owed.toString(),
  rewardsPaid: paid.toString(),
  balanceChangePlusFee: (balanceAfter - balanceBefore + feePaid).toString(),
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
