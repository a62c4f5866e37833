"""A lead's JSON document as stored: zlib with a preset dictionary of the document's own vocabulary.

A lead's document is mostly field names and a few enumerated values; compressed alone it only
halves (zlib has nothing to refer back to in 1 KB), with a dictionary of that vocabulary it
shrinks to about a fifth, which keeps a typical lead item under DynamoDB's 1 KB write unit.

A zlib stream names the dictionary it was made with (its Adler-32, in the header), so a
dictionary is never edited: a better one is added to `DICTIONARIES` (the last one compresses)
and every stored document stays readable. A stream without a dictionary is read too.
"""

from __future__ import annotations

import zlib

# The vocabulary of a lead document, the most frequent last (zlib finds the end nearest).
_VOCABULARY_1 = (
    '"marketplace","qualified","profile","marketing_qualified","sales_qualified","joint_planning",'
    '"shared_marketing","informational","declined","won","lost","converted","warm","low","invalid",'
    '"disposable","spam","azure_marketplace","free_trial","get_it_now","request_demo","@gmail.com",'
    '"@outlook.com","https://","currency":"EUR","team":[{"name":"","email":"","role":"',
    '"quality_reasons":["email invalid","phone unknown","no company named","low: email address is a '
    'known spam source","low: the email\'s domain imitates another one","low: no usable contact '
    'channel","low: neither a person nor a company is named","medium: reachable through one channel"],',
    '"history":[{"at":"2026-","actor":"system","actor_name":null,"action":"expire","from_status":'
    '"received","to_status":"archived","from_outcome":null,"to_outcome":"expired","changes":[{"field":'
    '"status","from":"received","to":"archived"},{"field":"outcome","from":null,"to":"expired"},'
    '{"field":"flame","from":"hot","to":"none"}],"notes":null},{"field":"notes","from":null,"to":""}',
    '{"at":"2026-","actor":"","actor_name":null,"action":"accept","from_status":"received","to_status":'
    '"accepted","from_outcome":null,"to_outcome":null,"changes":[{"field":"status","from":"received",'
    '"to":"accepted"},{"field":"deal_name","from":null,"to":""},{"field":"estimated_value","from":null,'
    '"to":.0},{"field":"currency","from":null,"to":"USD"},{"field":"estimated_close_date","from":null,'
    '"to":"2027-"}],"notes":null}]}',
    '{"lead_id":"","partner_id":"p-","event_id":"","lead_type":"offer","status":"received",'
    '"outcome":null,"created_at":"2026-","occurred_at":null,"updated_at":"2026-","lead_source":'
    '"appsource","call_to_action":"contact_me","raw_lead_source":"AppSource-PLT | ","raw_action_code":'
    'null,"offer":{"publisher_id":"","offer_id":"","title":null,"key":""},"customer":{"first_name":"",'
    '"last_name":"","email":"","phone":"+1","country":"US","company":null,"title":null},"description":'
    'null,"notes":null,"contact_requested":false,"flame":"hot","do_not_contact":false,"is_test":false,'
    '"email_validity":"valid","phone_validity":"valid","lead_quality":"high","quality_reasons":["email '
    'valid","phone valid","high: email and phone both valid and a company named"],"ingest_flags":[],'
    '"assigned_contact":null,"referrer":null,"estimated_value":null,"currency":null,"campaign_id":null,'
    '"deal_name":null,"estimated_close_date":null,"deal_notes":null,"crm_id":null,"team":[],'
    '"qualification":null,"evaluation":null,"opportunity_id":null,"closure":null,"expiry_reminded_at":'
    'null,"history":[]}',
)
DICTIONARIES = ("".join(_VOCABULARY_1).encode(),)
_BY_CHECKSUM = {zlib.adler32(dictionary): dictionary for dictionary in DICTIONARIES}
_PRESET_DICTIONARY_FLAG = 0x20  # FDICT in the zlib header's second byte (RFC 1950)


def compress_document(document: bytes) -> bytes:
    packer = zlib.compressobj(9, zdict=DICTIONARIES[-1])
    return packer.compress(document) + packer.flush()


def decompress_document(stored: bytes) -> bytes:
    if not stored[1] & _PRESET_DICTIONARY_FLAG:
        return zlib.decompress(stored)
    dictionary = _BY_CHECKSUM[int.from_bytes(stored[2:6], "big")]
    unpacker = zlib.decompressobj(zdict=dictionary)
    return unpacker.decompress(stored) + unpacker.flush()
