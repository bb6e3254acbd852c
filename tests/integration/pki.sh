# pki.sh -- a small P-256 PKI for the certificate tests (sourced after lib.sh's
# mef_setup): the MEF's own certificate, a device CA with `openssl ca` (so validity
# dates and a CRL can be chosen), device certificates, and a rogue CA.
P="$T/pki"
mkdir -p "$P/db"

pki_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# The MEF's server certificate (self-signed, name mef.example.com).
pki_key "$P/mef.key"
openssl req -x509 -new -key "$P/mef.key" -out "$P/mef.pem" -days 2 \
    -subj "/CN=$FQDN" -addext "subjectAltName=DNS:$FQDN" 2>/dev/null

pki_ca() {	# pki_ca NAME: a CA with its own openssl ca database
	mkdir -p "$P/$1.db"
	: >"$P/$1.db/index.txt"
	echo 1000 >"$P/$1.db/serial"
	echo 1000 >"$P/$1.db/crlnumber"
	cat >"$P/$1.cnf" <<CNF
[ca]
default_ca = CA_default
[CA_default]
dir = $P/$1.db
database = \$dir/index.txt
serial = \$dir/serial
crlnumber = \$dir/crlnumber
new_certs_dir = \$dir
certificate = $P/$1.pem
private_key = $P/$1.key
default_md = sha256
default_days = 2
default_crl_days = 2
policy = policy_any
unique_subject = no
copy_extensions = copy
[policy_any]
commonName = supplied
[v3_dev]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = clientAuth
CNF
	pki_key "$P/$1.key"
	openssl req -x509 -new -key "$P/$1.key" -out "$P/$1.pem" -days 2 \
	    -subj "/CN=$1" -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=keyCertSign,cRLSign" 2>/dev/null
}

pki_dev() {	# pki_dev CA NAME CN [SAN] [STARTDATE ENDDATE]: a device certificate
	pki_key "$P/$2.key"
	if [ -n "${4:-}" ]; then
		openssl req -new -key "$P/$2.key" -subj "/CN=$3" \
		    -addext "subjectAltName=$4" -out "$P/$2.csr" 2>/dev/null
	else
		openssl req -new -key "$P/$2.key" -subj "/CN=$3" -out "$P/$2.csr" 2>/dev/null
	fi
	openssl ca -batch -config "$P/$1.cnf" -extensions v3_dev -notext \
	    ${5:+-startdate "$5"} ${6:+-enddate "$6"} \
	    -in "$P/$2.csr" -out "$P/$2.pem" >/dev/null 2>&1 || {
		echo "FAIL: pki: cannot issue $2"; exit 1; }
}

pki_selfsigned() {	# pki_selfsigned NAME CN
	pki_key "$P/$1.key"
	openssl req -x509 -new -key "$P/$1.key" -out "$P/$1.pem" -days 2 \
	    -subj "/CN=$2" 2>/dev/null
}

pki_fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d :; }
