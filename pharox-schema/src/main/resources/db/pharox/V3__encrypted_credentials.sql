-- Pharox storage schema, version 3: proxy passwords encrypted at rest.
--
-- password_ciphertext holds the password sealed with AES-GCM (format version, nonce,
-- ciphertext and tag) and credential_key_id the id of the key that sealed it, so that keys
-- can rotate. The plain password column stays for adapters configured to allow plain text
-- and for rows written before a key was configured; an adapter with a key writes the
-- ciphertext and clears the plain column, and its credential rotation encrypts the rows
-- that are still plain. The username stays in clear: it is bound to the ciphertext as
-- authenticated data instead.
ALTER TABLE proxy ADD COLUMN password_ciphertext bytea;
ALTER TABLE proxy ADD COLUMN credential_key_id text;
ALTER TABLE proxy ADD CONSTRAINT proxy_credential_key_check
    CHECK ((password_ciphertext IS NULL) = (credential_key_id IS NULL));
ALTER TABLE proxy ADD CONSTRAINT proxy_password_once_check
    CHECK (password IS NULL OR password_ciphertext IS NULL);
