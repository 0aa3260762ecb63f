// t/jam/client.mjs URL TOKEN - jmap-jam (a third-party JMAP client
// library, npm) against postern-httpd: list the mailboxes, query the
// inbox, read the newest message, upload an attachment and send a
// reply with it (Email/set + EmailSubmission/set, back-references made
// by the library). Prints one JSON object of what it saw.
import JamClient from "jmap-jam";

const [url, token] = process.argv.slice(2);
const jam = new JamClient({ bearerToken: token, sessionUrl: url + "/.well-known/jmap" });
const accountId = await jam.getPrimaryAccount();
const [boxes] = await jam.api.Mailbox.get({ accountId, ids: null });
const role = (r) => boxes.list.find((m) => m.role === r);
const [{ q, g }] = await jam.requestMany((b) => {
  const q = b.Email.query({ accountId, filter: { inMailbox: role("inbox").id },
                            sort: [{ property: "receivedAt", isAscending: false }] });
  const g = b.Email.get({ accountId, ids: q.$ref("/ids"),
                          properties: ["subject", "from", "messageId", "bodyValues", "textBody"],
                          fetchTextBodyValues: true });
  return { q, g };
});
const newest = g.list[0];
const blob = await jam.uploadBlob(accountId, new Blob(["attached by jam\n"], { type: "text/plain" }));
const [{ set, sub }] = await jam.requestMany((b) => {
  const set = b.Email.set({ accountId, create: { draft: {
    mailboxIds: { [role("drafts").id]: true }, keywords: { $draft: true, $seen: true },
    from: [{ email: "joe@example.test" }], to: newest.from, subject: "Re: " + newest.subject,
    inReplyTo: newest.messageId, references: newest.messageId,
    bodyValues: { t: { value: "answered by jmap-jam\n" } },
    textBody: [{ partId: "t", type: "text/plain" }],
    attachments: [{ blobId: blob.blobId, type: "text/plain", name: "jam.txt" }] } } });
  const sub = b.EmailSubmission.set({ accountId, create: { s: { identityId: "I1", emailId: "#draft" } },
    onSuccessUpdateEmail: { "#s": { [`mailboxIds/${role("drafts").id}`]: null,
                                    [`mailboxIds/${role("sent").id}`]: true, "keywords/$draft": null } } });
  return { set, sub };
});
console.log(JSON.stringify({
  account: accountId,
  mailboxes: boxes.list.map((m) => m.name).sort(),
  ids: q.ids,
  subject: newest.subject,
  body: newest.bodyValues[newest.textBody[0].partId].value,
  created: Object.keys(set.created ?? {}),
  // the implicit Email/set of onSuccessUpdateEmail answers with the same
  // call id (RFC 8621 §7.5), and jam keeps the last response of an id
  moved: Object.keys(sub.updated ?? {}).includes(set.created?.draft?.id),
}));
