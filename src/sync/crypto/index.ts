// 国密 primitives for the platform profiles: SM3 and SM4 from Node's OpenSSL, SM2 from
// sm-crypto-v2, GBK from iconv-lite. Nothing here is hand-written cryptography.

export { decodeGbkStrict, encodeGbkXml, GbkDecodeError } from './gbk.js';
export {
  parseSm2PublicKey,
  type Sm2CipherMode,
  Sm2DecryptError,
  Sm2KeyError,
  type Sm2PublicKey,
  sm2Decrypt,
  sm2Encrypt,
  sm2GenerateKeyPair,
  sm2PublicKeyOf,
} from './sm2.js';
export { NODE_HAS_SM3, sm3, sm3Hex, sm3Library } from './sm3.js';
export {
  NODE_HAS_SM4,
  parseSm4Key,
  Sm4KeyError,
  type Sm4Mode,
  sm4Decrypt,
  sm4DecryptLibrary,
  sm4Encrypt,
  sm4EncryptLibrary,
} from './sm4.js';
