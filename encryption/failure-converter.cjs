// The failure converter of the worker (workflow bundle and activities) and the clients: a
// failure's message and stack trace go into its encoded attributes, a payload that the codec
// encrypts like any other, so no message or stack is stored in plaintext. Plain CommonJS: the SDK
// `require()`s it by path (DataConverter.failureConverterPath) outside any TypeScript loader,
// and webpack bundles it into the workflow code.
//
// One exception: the failure of a task whose payload the codec could not decrypt
// (PayloadDecodeError, encryption/codec.ts) is written as it is. Its message is a key id and a
// fixed reason, and encrypting it would need the key that just failed: the SDK encodes a task's
// failure in the same context, and an encode that throws there stops the whole worker.
const { DefaultFailureConverter } = require('@temporalio/common');

const encoded = new DefaultFailureConverter({ encodeCommonAttributes: true });
const plain = new DefaultFailureConverter({ encodeCommonAttributes: false });

// The codec's message, or the SDK's wrapping of it when an activity's arguments fail to decode.
const DECODE_FAILURE_MESSAGE =
  /^(?:Failed to parse activity args for activity [\w$.-]+: )?cannot decrypt payload \(key (?:app-[0-9a-f-]{36}|deployment|unrecognized|unnamed)\): [a-z ,()-]+$/;

/** Exactly a PayloadDecodeError (or the SDK's ApplicationFailure made of one): no cause, no details. */
function isDecodeFailure(err) {
  if (!(err instanceof Error) || err.cause !== undefined) return false;
  const type = err.name === 'PayloadDecodeError' ? err.name : err.type;
  const details = Array.isArray(err.details) ? err.details : [];
  return type === 'PayloadDecodeError' && details.length === 0 && DECODE_FAILURE_MESSAGE.test(err.message);
}

exports.failureConverter = {
  errorToFailure(err, payloadConverter, context) {
    return (isDecodeFailure(err) ? plain : encoded).errorToFailure(err, payloadConverter, context);
  },
  failureToError(failure, payloadConverter, context) {
    return encoded.failureToError(failure, payloadConverter, context);
  },
};
