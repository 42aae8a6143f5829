//! What others write into Warren's sentences, as they write it: serde's errors (a scenario of the
//! wrong shape), serde_json's (text that is not JSON yet) and the AMQP client's. Listed here once
//! so that the page can say them in another language; the English is theirs.

templates! {
    // serde (`serde::de::Error`'s sentences).
    MISSING_FIELD: "missing field `{field}`",
    UNKNOWN_FIELD: "unknown field `{field}`, expected {expected}",
    UNKNOWN_FIELD_NONE: "unknown field `{field}`, there are no fields",
    UNKNOWN_VARIANT: "unknown variant `{variant}`, expected {expected}",
    UNKNOWN_VARIANT_NONE: "unknown variant `{variant}`, there are no variants",
    INVALID_TYPE: "invalid type: {unexpected}, expected {expected}",
    INVALID_VALUE: "invalid value: {unexpected}, expected {expected}",
    INVALID_LENGTH: "invalid length {length}, expected {expected}",
    DUPLICATE_FIELD: "duplicate field `{field}`",
    ONE_OF: "one of {names}",
    EITHER: "`{first}` or `{second}`",
    BOOLEAN_VALUE: "boolean `{value}`",
    INTEGER_VALUE: "integer `{value}`",
    FLOAT_VALUE: "floating point `{value}`",
    STRING_VALUE: "string \"{value}\"",
    // serde_json.
    AT_LINE: "{error} at line {line} column {column}",
    // The AMQP client.
    IO_ERROR: "IO error: {error}",
    ;
    // serde.
    VALUE_MISSING: "value is missing",
    UNIT_VALUE: "unit value",
    SEQUENCE: "sequence",
    MAP: "map",
    A_SEQUENCE: "a sequence",
    A_MAP: "a map",
    U8: "u8",
    U16: "u16",
    U32: "u32",
    U64: "u64",
    F64: "f64",
    // serde_json.
    EOF_VALUE: "EOF while parsing a value",
    EOF_OBJECT: "EOF while parsing an object",
    EOF_LIST: "EOF while parsing a list",
    EOF_STRING: "EOF while parsing a string",
    EXPECTED_VALUE: "expected value",
    EXPECTED_COLON: "expected `:`",
    EXPECTED_COMMA_OBJECT: "expected `,` or `}`",
    EXPECTED_COMMA_LIST: "expected `,` or `]`",
    EXPECTED_IDENT: "expected ident",
    KEY_MUST_BE_A_STRING: "key must be a string",
    TRAILING_COMMA: "trailing comma",
    TRAILING_CHARACTERS: "trailing characters",
    INVALID_NUMBER: "invalid number",
    INVALID_ESCAPE: "invalid escape",
    CONTROL_CHARACTER: "control character (\\u0000-\\u001F) found while parsing a string",
    // The AMQP client and the system under it.
    NO_HEARTBEAT: "no heartbeat received from server for too long",
    CONNECTION_REFUSED: "Connection refused (os error 111)",
    CONNECTION_RESET: "Connection reset by peer (os error 104)",
}
