//! Refusal of unknown protobuf fields, as the Cosmos SDK tx decoder does.
//!
//! prost silently skips fields it does not know. For a transaction that is unsafe: an
//! unknown field in `TxRaw` changes the tx hash without touching the signatures, and an
//! unknown field in the body or auth info may carry a meaning (e.g. a newer SDK feature)
//! that a client expects us to honour. Like the SDK, unknown fields whose number has the
//! "non-critical" bit (1024) set are tolerated inside the body only.

use crate::error::DecodeError;

/// Known fields of a message: number, and the schema of the field if it is a sub-message
/// we also check. Schemas have no cycles, so recursion depth is bounded by them, not by
/// the input.
pub(crate) struct Schema {
    pub name: &'static str,
    pub fields: &'static [(u32, Option<&'static Schema>)],
}

const NON_CRITICAL_BIT: u64 = 1 << 10;

const WIRE_VARINT: u64 = 0;
const WIRE_FIXED64: u64 = 1;
const WIRE_LEN: u64 = 2;
const WIRE_FIXED32: u64 = 5;

pub(crate) static TX_RAW: Schema = Schema {
    name: "TxRaw",
    fields: &[(1, None), (2, None), (3, None)],
};

static ANY: Schema = Schema {
    name: "google.protobuf.Any",
    fields: &[(1, None), (2, None)],
};

pub(crate) static TX_BODY: Schema = Schema {
    name: "TxBody",
    fields: &[
        (1, Some(&ANY)),
        (2, None),
        (3, None),
        (1023, Some(&ANY)),
        (2047, Some(&ANY)),
    ],
};

static COIN: Schema = Schema {
    name: "Coin",
    fields: &[(1, None), (2, None)],
};
static FEE: Schema = Schema {
    name: "Fee",
    fields: &[(1, Some(&COIN)), (2, None), (3, None), (4, None)],
};
static TIP: Schema = Schema {
    name: "Tip",
    fields: &[(1, Some(&COIN)), (2, None)],
};
static SINGLE: Schema = Schema {
    name: "ModeInfo.Single",
    fields: &[(1, None)],
};
// Multi is refused later anyway; it is not descended into.
static MODE_INFO: Schema = Schema {
    name: "ModeInfo",
    fields: &[(1, Some(&SINGLE)), (2, None)],
};
static SIGNER_INFO: Schema = Schema {
    name: "SignerInfo",
    fields: &[(1, Some(&ANY)), (2, Some(&MODE_INFO)), (3, None)],
};

pub(crate) static AUTH_INFO: Schema = Schema {
    name: "AuthInfo",
    fields: &[(1, Some(&SIGNER_INFO)), (2, Some(&FEE)), (3, Some(&TIP))],
};

/// Walks `bytes` as a protobuf message of `schema` and refuses unknown fields.
/// Malformed wire data is reported as a decode error too.
pub(crate) fn reject_unknown_fields(
    bytes: &[u8],
    schema: &Schema,
    allow_non_critical: bool,
) -> Result<(), DecodeError> {
    let mut rest = bytes;
    while !rest.is_empty() {
        let tag = read_varint(&mut rest, schema)?;
        let wire_type = tag & 7;
        let field = tag >> 3;
        if field == 0 || field > u64::from(u32::MAX >> 3) {
            return Err(malformed(schema, format!("invalid field number {field}")));
        }
        let field_u32 = u32::try_from(field).unwrap_or(u32::MAX);
        let known = schema.fields.iter().find(|(n, _)| *n == field_u32);
        if known.is_none() && !(allow_non_critical && field & NON_CRITICAL_BIT != 0) {
            return Err(DecodeError::UnknownField {
                message: schema.name,
                field: field_u32,
            });
        }
        match wire_type {
            WIRE_VARINT => {
                read_varint(&mut rest, schema)?;
            }
            WIRE_FIXED64 => take(&mut rest, 8, schema).map(|_| ())?,
            WIRE_FIXED32 => take(&mut rest, 4, schema).map(|_| ())?,
            WIRE_LEN => {
                let len = read_varint(&mut rest, schema)?;
                let len = usize::try_from(len)
                    .map_err(|_| malformed(schema, format!("length {len} too large")))?;
                let value = take(&mut rest, len, schema)?;
                if let Some((_, Some(sub))) = known {
                    reject_unknown_fields(value, sub, allow_non_critical)?;
                }
            }
            other => {
                return Err(malformed(
                    schema,
                    format!("unsupported wire type {other} for field {field}"),
                ))
            }
        }
    }
    Ok(())
}

fn malformed(schema: &Schema, reason: String) -> DecodeError {
    DecodeError::Protobuf {
        what: schema.name,
        reason,
    }
}

fn take<'a>(rest: &mut &'a [u8], len: usize, schema: &Schema) -> Result<&'a [u8], DecodeError> {
    if rest.len() < len {
        return Err(malformed(
            schema,
            format!("field needs {len} bytes, only {} left", rest.len()),
        ));
    }
    let (head, tail) = rest.split_at(len);
    *rest = tail;
    Ok(head)
}

fn read_varint(rest: &mut &[u8], schema: &Schema) -> Result<u64, DecodeError> {
    let mut value: u64 = 0;
    for i in 0..10 {
        let Some((&byte, tail)) = rest.split_first() else {
            return Err(malformed(schema, "truncated varint".into()));
        };
        *rest = tail;
        // The tenth byte may only contribute the top bit of a u64.
        if i == 9 && byte > 1 {
            return Err(malformed(schema, "varint overflows 64 bits".into()));
        }
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(malformed(schema, "varint longer than 10 bytes".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_known_and_refuses_unknown() {
        // field 1, len 1, byte 0x00
        assert!(reject_unknown_fields(&[0x0a, 0x01, 0x00], &TX_RAW, false).is_ok());
        // field 4 varint 1
        assert_eq!(
            reject_unknown_fields(&[0x20, 0x01], &TX_RAW, false),
            Err(DecodeError::UnknownField {
                message: "TxRaw",
                field: 4
            })
        );
    }

    #[test]
    fn non_critical_fields_only_in_body() {
        // field 1025 (bit 1024 set), varint 0: tag = 1025 << 3 = 8200 = 0x88 0x40
        let bytes = [0x88, 0x40, 0x00];
        assert!(reject_unknown_fields(&bytes, &TX_BODY, true).is_ok());
        assert!(reject_unknown_fields(&bytes, &AUTH_INFO, false).is_err());
        // field 2048 has the bit clear: critical, refused. tag = 16384 = 0x80 0x80 0x01
        assert!(reject_unknown_fields(&[0x80, 0x80, 0x01, 0x00], &TX_BODY, true).is_err());
    }

    #[test]
    fn malformed_wire_is_refused() {
        assert!(reject_unknown_fields(&[0x0a, 0x05, 0x00], &TX_RAW, false).is_err());
        assert!(reject_unknown_fields(&[0x0a], &TX_RAW, false).is_err());
        assert!(reject_unknown_fields(&[0xff; 11], &TX_RAW, false).is_err());
        assert!(reject_unknown_fields(&[0x0b], &TX_RAW, false).is_err());
    }
}
