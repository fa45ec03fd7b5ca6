; Managed by MasterTech automation (templates/linux/bind/zone.db.j2); local edits are overwritten.
; Zone mastertech.com. The serial follows the content, so it changes exactly when a record does.
$ORIGIN mastertech.com.
$TTL 3600
@	IN	SOA	ns1.mastertech.com. hostmaster.mastertech.com. (
		533241588	; serial
		3600	; refresh
		600	; retry
		86400	; expire
		300 )	; negative TTL
	IN	NS	ns1.mastertech.com.
ns1	IN	A	192.168.40.10
www	IN	A	192.168.40.30
