-- Warden store schema, version 15: each account's outbound identity federation (IAM
-- EnableOutboundWebIdentityFederation): whether STS GetWebIdentityToken is enabled and the
-- issuer id its tokens carry (kept when disabled, so re-enabling keeps the issuer URL).

CREATE TABLE outbound_federation (
    account_id  TEXT PRIMARY KEY REFERENCES accounts (account_id),
    issuer_id   TEXT NOT NULL,
    enabled     INTEGER NOT NULL
) STRICT;
