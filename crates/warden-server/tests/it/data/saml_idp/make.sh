#!/usr/bin/env bash
# Makes the test SAML IdP of the AssumeRoleWithSAML tests: its signing key and certificate,
# its IAM metadata document, and a second key pair no provider trusts. Run once; the output
# is committed (tests sign their assertions with these keys at run time).
set -euo pipefail
cd "$(dirname "$0")"
for name in idp other; do
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 36500 \
    -subj "/CN=$name.warden.test" -keyout "${name}_key.pem" -out "${name}_cert.pem" 2>/dev/null
done
cert=$(grep -v '^-----' idp_cert.pem | tr -d '\n')
cat > metadata.xml <<XML
<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.warden.test/saml">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo>
        <ds:X509Data>
          <ds:X509Certificate>$cert</ds:X509Certificate>
        </ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.warden.test/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
XML
