/** Encrypts upstream passwords at rest (the shared AES-256-GCM cipher of `@stowage/secrets`). */
export interface SecretBox {
  encrypt(plaintext: string): string;
  decrypt(stored: string): string;
}
