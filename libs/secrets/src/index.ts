export { SecretCipher, MIN_SECRET_LENGTH } from './secret-cipher';
export { openSecretCipher } from './open-secret-cipher';
