/*
 * answer_xml.c -- the fetchCredentials answer in XML.
 *
 * The encoder writes the XML declaration (UTF-8) and then the elements of
 * PROTOCOL.md 3.4 without whitespace. The decoder refuses any "<!" (DOCTYPE,
 * ENTITY, comments, CDATA) before libxml2 sees the body, and parses with
 * network access off and no entity substitution: no DTD is ever read, so no
 * entity can expand or fetch. Each field element must hold exactly one text
 * node, which is read in place; the text node of Credential is wiped before the
 * document is freed.
 */
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "protocol/answer_int.h"
#include "util/secret.h"
#include "util/strparse.h"

#define XML_ROOT	"fetchCredentialsResponse"
#define XML_DECL	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
#define XML_OPTIONS	(XML_PARSE_NONET | XML_PARSE_NODICT | \
			    XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

static pthread_once_t	xml_once = PTHREAD_ONCE_INIT;

static void		xml_init(void);
static xmlDoc		*xml_parse(const unsigned char *, int);
static int		has_markup_decl(const unsigned char *, size_t);
static void		emit_field(struct emit *, const char *, const char *,
			    size_t);
static int		is_blank_text(const xmlNode *);
static int		field_text(const xmlNode *, const char **, size_t *);
static enum mef_err	decode_field(struct answer *, unsigned *,
			    const xmlNode *);
static void		wipe_credential(xmlDoc *);

/* see answer_int.h */
void
answer_xml_ok(struct emit *e, const struct answer_ok *ok)
{
	emit_str(e, XML_DECL "<" XML_ROOT "><Status>true</Status><Credential>");
	emit_b64(e, ok->key, ok->key_len);
	emit_str(e, "</Credential>");
	emit_field(e, "EnroleeID", ok->enrolee_id, ok->enrolee_len);
	emit_str(e, "<Lifetime>");
	emit_u64(e, ok->lifetime_s);
	emit_str(e, "</Lifetime></" XML_ROOT ">");
}

/* see answer_int.h */
void
answer_xml_error(struct emit *e, const char *s, size_t len)
{
	emit_str(e, XML_DECL "<" XML_ROOT "><Status>false</Status>");
	emit_field(e, "ErrorString", s, len);
	emit_str(e, "</" XML_ROOT ">");
}

/* see answer_int.h */
enum mef_err
answer_xml_decode(const unsigned char *body, size_t len, struct answer *ans)
{
	xmlDoc		*doc = NULL;
	xmlNode		*root, *n;
	unsigned	 seen = 0;
	enum mef_err	 rc = MEF_E_PROTO;

	if (len > INT_MAX || has_markup_decl(body, len))
		goto out;
	pthread_once(&xml_once, xml_init);
	doc = xml_parse(body, (int)len);
	if (doc == NULL || doc->intSubset != NULL || doc->extSubset != NULL)
		goto out;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || root->ns != NULL || root->nsDef != NULL ||
	    root->properties != NULL || root->next != NULL ||
	    root->prev != NULL ||
	    strcmp((const char *)root->name, XML_ROOT) != 0)
		goto out;
	for (n = root->children; n != NULL; n = n->next) {
		if (is_blank_text(n))
			continue;
		rc = decode_field(ans, &seen, n);
		if (rc != MEF_OK)
			goto out;
	}
	rc = answer_check(ans, seen);
out:
	if (doc != NULL) {
		wipe_credential(doc);
		xmlFreeDoc(doc);
	}
	return rc;
}

/* One child element of the root: a known name, no attributes, one text node. */
static enum mef_err
decode_field(struct answer *ans, unsigned *pseen, const xmlNode *n)
{
	const char	*s;
	size_t		 len;
	uint64_t	 v;

	if (n->type != XML_ELEMENT_NODE || n->ns != NULL || n->nsDef != NULL ||
	    n->properties != NULL || !field_text(n, &s, &len))
		return MEF_E_PROTO;
	switch (answer_member((const char *)n->name,
	    strlen((const char *)n->name))) {
	case ANS_STATUS:
		if (len == 4 && memcmp(s, "true", 4) == 0)
			return answer_take_status(ans, pseen, 1);
		if (len == 5 && memcmp(s, "false", 5) == 0)
			return answer_take_status(ans, pseen, 0);
		return MEF_E_PROTO;
	case ANS_CREDENTIAL:
		return answer_take_credential_b64(ans, pseen, s, len);
	case ANS_ENROLEE:
		return answer_take_enrolee(ans, pseen, s, len);
	case ANS_LIFETIME:
		if (parse_u64(s, len, 0, ANSWER_LIFETIME_MAX, &v) != MEF_OK)
			return MEF_E_PROTO;
		return answer_take_lifetime(ans, pseen, v);
	case ANS_ERROR:
		return answer_take_error(ans, pseen, s, len);
	default:
		return MEF_E_PROTO;
	}
}

/*
 * The character data of a field: none (empty) or exactly one text node. A
 * comment, an entity reference or a nested element makes the field invalid.
 */
static int
field_text(const xmlNode *n, const char **ps, size_t *plen)
{
	const xmlNode	*t = n->children;

	if (t == NULL) {
		*ps = "";
		*plen = 0;
		return 1;
	}
	if (t->next != NULL || t->type != XML_TEXT_NODE || t->content == NULL)
		return 0;
	*ps = (const char *)t->content;
	*plen = strlen(*ps);
	return 1;
}

/* Whitespace between fields is allowed, so a pretty-printed answer parses. */
static int
is_blank_text(const xmlNode *n)
{
	const xmlChar	*p;

	if (n->type != XML_TEXT_NODE || n->content == NULL)
		return 0;
	for (p = n->content; *p != '\0'; p++) {
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
	}
	return 1;
}

/* 1 when the body holds "<!": DOCTYPE, ENTITY, a comment or CDATA. */
static int
has_markup_decl(const unsigned char *body, size_t len)
{
	size_t	i;

	for (i = 0; i + 1 < len; i++) {
		if (body[i] == '<' && body[i + 1] == '!')
			return 1;
	}
	return 0;
}

/* Zeroes, in place, the text of every Credential element under the root. */
static void
wipe_credential(xmlDoc *doc)
{
	xmlNode	*root, *n, *t;

	root = xmlDocGetRootElement(doc);
	if (root == NULL)
		return;
	for (n = root->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "Credential") != 0)
			continue;
		for (t = n->children; t != NULL; t = t->next) {
			if (t->content != NULL)
				mef_wipe(t->content,
				    strlen((const char *)t->content));
		}
	}
}

/* <name>escaped text</name> */
static void
emit_field(struct emit *e, const char *name, const char *s, size_t len)
{
	emit_byte(e, '<');
	emit_str(e, name);
	emit_byte(e, '>');
	emit_xml_text(e, s, len);
	emit_str(e, "</");
	emit_str(e, name);
	emit_byte(e, '>');
}

static void
xml_init(void)
{
	xmlInitParser();
}

/*
 * Parses len bytes at body into a document, NULL when not well-formed. libxml2
 * 2.9 copies the body into an input buffer that it frees without wiping;
 * reading the caller's bytes in place through a static input buffer would avoid
 * that copy, but 2.9 mis-parses static buffers once they are shrunk, so we
 * accept the residue.
 */
static xmlDoc *
xml_parse(const unsigned char *body, int len)
{
	return xmlReadMemory((const char *)body, len, NULL, NULL, XML_OPTIONS);
}
