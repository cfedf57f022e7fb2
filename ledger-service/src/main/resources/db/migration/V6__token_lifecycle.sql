-- Tokens get a public id (listed and revoked by it; the secret is never stored), an optional expiry,
-- revocation and their last use.
ALTER TABLE api_tokens ADD COLUMN token_id VARCHAR(64);
UPDATE api_tokens SET token_id = CASE WHEN bootstrap THEN 'tok_bootstrap' ELSE 'tok_' || substr(token_hash, 1, 16) END;
ALTER TABLE api_tokens ALTER COLUMN token_id SET NOT NULL;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_token_id UNIQUE (token_id);
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN revoked_at TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMPTZ;
