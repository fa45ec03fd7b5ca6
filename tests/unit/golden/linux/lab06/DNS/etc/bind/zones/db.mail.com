; Managed by MasterTech automation (templates/linux/bind/zone.db.j2); local edits are overwritten.
; Zone mail.com. The serial follows the content, so it changes exactly when a record does.
$ORIGIN mail.com.
$TTL 3600
@	IN	SOA	ns1.mail.com. hostmaster.mail.com. (
		1690868004	; serial
		3600	; refresh
		600	; retry
		86400	; expire
		300 )	; negative TTL
	IN	NS	ns1.mail.com.
ns1	IN	A	192.168.1.5
@	IN	A	192.168.1.2
mail	IN	A	192.168.1.2
@	IN	MX	10 mail.mail.com.
