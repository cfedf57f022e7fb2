// Checks a usage receipt's proof (GET /api/v1/receipts/{receiptId}/proof) with the ledger's verifier key alone, in a
// browser or in Node 20+ (WebCrypto with Ed25519). The same checks as `audit verify-receipt`:
//   1. the checkpoint is a signed note, signed by the verifier key (Ed25519, C2SP note and key formats);
//   2. the audit row is in the checkpoint's tree at its log index (RFC 9162 inclusion proof, SHA-256);
//   3. the row hashes the stored event's bytes (SHA-256 of the payload);
//   4. the event is a usage batch of the receipt's account, whose record at the receipt's index is the receipt's record.
// Resolves to { verified: true } or { verified: false, problems: [...] }. Any altered byte of the proof, or a proof
// against another checkpoint, fails one of them.
//
//   import { verifyReceipt } from '/receipts/verify-receipt.js';
//   const { verified, problems } = await verifyReceipt(proof, 'inference-ledger+1a2b3c4d+AQ…');

const encoder = new TextEncoder();
const subtle = globalThis.crypto.subtle;

const base64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
const sha256 = async (...parts) => new Uint8Array(await subtle.digest('SHA-256', concat(...parts)));
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
// Money stays a decimal string: "1.500000000000" and "1.5" are the same amount, never compared as floats. Anything that is
// not a decimal of the ledger's grammar is no amount at all (null), and equals nothing.
const decimal = (text) => {
  if (typeof text !== 'string' || !/^-?[0-9]+(\.[0-9]+)?$/.test(text)) return null;
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
};
const whole = (n) => Number.isSafeInteger(n) && n >= 0;
const text = (v) => typeof v === 'string';

/** The audit row as hashed (AuditEntry.text): its fields, one a line, after the format's version. */
function rowText(row) {
  return encoder.encode(['inference-ledger-audit/v1', row.logIndex, row.globalIndex, row.eventId, row.aggregateId, row.sequence,
    row.eventType, row.recordedAt, row.payloadHash].join('\n') + '\n');
}

/** RFC 9162 2.1.3.2. Indices are below 2^53: a log never holds more entries. */
async function verifyInclusion(leaf, index, size, proof, root) {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(Uint8Array.of(1), p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      }
    } else {
      r = await sha256(Uint8Array.of(1), r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** The C2SP verifier key <name>+<hex key id>+<base64(0x01 ‖ key)>, its id checked. */
async function parseKey(verifierKey) {
  // <name>+<id>+<key>: the key is base64, which may itself hold '+': split at the first two only.
  const trimmed = verifierKey.trim();
  const first = trimmed.indexOf('+');
  const second = trimmed.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new Error('a verifier key is <name>+<key id>+<base64 key>');
  const [name, id, key] = [trimmed.slice(0, first), trimmed.slice(first + 1, second), trimmed.slice(second + 1)];
  const typed = base64(key);
  if (typed.length !== 33 || typed[0] !== 1) throw new Error('not an Ed25519 verifier key');
  const raw = typed.slice(1);
  const keyId = (await sha256(encoder.encode(name), Uint8Array.of(0x0a, 0x01), raw)).slice(0, 4);
  if (hex(keyId) !== id) throw new Error("the verifier key's id does not match its name and key");
  return { name, keyId, raw };
}

/** The signed note's body (origin, size, root), if a signature line of the key verifies it. */
async function verifyNote(note, key) {
  const split = note.indexOf('\n\n');
  if (split < 0) throw new Error('not a signed note');
  const body = note.slice(0, split + 1);
  const [origin, size, root] = body.split('\n');
  const prefix = `\u2014 ${key.name} `;
  const publicKey = await subtle.importKey('raw', key.raw, { name: 'Ed25519' }, false, ['verify']);
  for (const line of note.slice(split + 2).split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const signed = base64(line.slice(prefix.length));
    if (signed.length !== 68 || !equal(signed.slice(0, 4), key.keyId)) continue;
    if (await subtle.verify({ name: 'Ed25519' }, publicKey, signed.slice(4), encoder.encode(body))) {
      return { origin, size: Number(size), root: base64(root) };
    }
    throw new Error('the checkpoint\'s signature does not verify: it was altered or forged');
  }
  throw new Error('no signature by this key');
}

export async function verifyReceipt(proof, verifierKey) {
  const problems = [];
  try {
    const key = await parseKey(verifierKey);
    const head = await verifyNote(proof.checkpoint, key);
    const row = proof.auditRow;
    const claimed = proof.record;
    if (!whole(proof.treeSize) || !whole(row.logIndex) || !whole(row.globalIndex) || !whole(row.sequence) || !whole(claimed.index)
      || ![row.eventId, row.aggregateId, row.eventType, row.recordedAt, row.payloadHash, proof.receiptId, proof.accountId,
        claimed.usageEventId, claimed.occurredAt, claimed.currency, claimed.cost].every(text)) {
      throw new Error('a field of the proof is not of its kind');
    }
    if (head.size !== proof.treeSize) problems.push(`the proof is for ${proof.treeSize} entries, the checkpoint for ${head.size}`);
    const payload = base64(proof.payload);
    if (hex(await sha256(payload)) !== row.payloadHash) problems.push('the payload is not the one the audit row hashes');
    const leaf = await sha256(Uint8Array.of(0), rowText(row));
    if (!(await verifyInclusion(leaf, row.logIndex, head.size, proof.inclusion.map(base64), head.root))) {
      problems.push(`the audit row is not in the checkpoint's tree at ${row.logIndex}`);
    }
    if (proof.receiptId !== `${row.eventId}:${claimed.index}`) problems.push('the receipt is not this record of this event');
    if (row.eventType !== 'UsageBatchCharged' || row.aggregateId !== proof.accountId) problems.push('not a usage batch of this account');
    const batch = JSON.parse(new TextDecoder().decode(payload));
    const record = Array.isArray(batch.records) ? batch.records[claimed.index] : undefined;
    if (!record || typeof record !== 'object' || batch.accountId !== proof.accountId) {
      problems.push('the payload has no such record of this account');
    } else if (record.eventId !== claimed.usageEventId || decimal(record.cost) === null || decimal(record.cost) !== decimal(claimed.cost)
      || record.occurredAt !== claimed.occurredAt || batch.currency !== claimed.currency) {
      problems.push('the payload charged the record otherwise than the receipt says');
    }
  } catch (e) {
    problems.push(`unreadable: ${e.message}`);
  }
  return problems.length === 0 ? { verified: true } : { verified: false, problems };
}
