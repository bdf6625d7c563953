// A bank send as most dapps make it: cosmjs estimates the gas ("auto", which simulates the
// transaction with SIGN_MODE_UNSPECIFIED and an empty signature), signs with SIGN_MODE_DIRECT
// and broadcasts. Prints one JSON line with what happened; exits non-zero on any failure.
//   RPC=http://127.0.0.1:26657 MNEMONIC="..." TO=agora1... node send-auto.mjs
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient, assertIsDeliverTxSuccess, coins } from "@cosmjs/stargate";

const { RPC, MNEMONIC, TO } = process.env;
const AMOUNT = process.env.AMOUNT ?? "777";
if (!RPC || !MNEMONIC || !TO) {
  console.error("set RPC, MNEMONIC and TO");
  process.exit(2);
}

const wallet = await DirectSecp256k1HdWallet.fromMnemonic(MNEMONIC, { prefix: "agora" });
const [{ address: from }] = await wallet.getAccounts();
const client = await SigningStargateClient.connectWithSigner(RPC, wallet, {
  gasPrice: GasPrice.fromString("0.025uagora"),
});
const send = { typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: from, toAddress: TO, amount: coins(AMOUNT, "uagora") } };
const memo = "sent by cosmjs with gas auto";
// What sendTokens's "auto" asks the node for first, shown so the test can check the fee it set.
const simulated = await client.simulate(from, [send], memo);
const before = await client.getBalance(TO, "uagora");
const result = await client.sendTokens(from, TO, coins(AMOUNT, "uagora"), "auto", memo);
assertIsDeliverTxSuccess(result);
const after = await client.getBalance(TO, "uagora");
console.log(JSON.stringify({
  from,
  simulated,
  gasWanted: Number(result.gasWanted),
  gasUsed: Number(result.gasUsed),
  height: result.height,
  hash: result.transactionHash,
  received: (BigInt(after.amount) - BigInt(before.amount)).toString(),
}));
client.disconnect();
