; Managed by MasterTech automation (templates/linux/bind/zone.db.j2); local edits are overwritten.
; Zone mt.com. The serial follows the content, so it changes exactly when a record does.
$ORIGIN mt.com.
$TTL 3600
@	IN	SOA	ns1.mt.com. hostmaster.mt.com. (
		930897843	; serial
		3600	; refresh
		600	; retry
		86400	; expire
		300 )	; negative TTL
	IN	NS	ns1.mt.com.
ns1	IN	A	192.168.40.10
mail	IN	A	192.168.40.20
@	IN	MX	10 mail.mt.com.
