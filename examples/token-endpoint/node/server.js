// A site's chat-token endpoint (secret mode): the site's logged-in user gets a ChatCloud chat
// token, created or updated by the site's own id in the same request. The secret stays here.
import express from 'express';

const env = process.env; // CHATCLOUD_URL, CHATCLOUD_API_KEY, CHATCLOUD_API_SECRET
// Your site's login decides who this is; this header stands in for your session.
const currentUser = (req) => JSON.parse(req.get('x-demo-user') ?? 'null');

export const app = express();
app.post('/chat-token', async (req, res) => {
  const me = currentUser(req);
  if (!me) return res.status(401).json({ error: 'log in first' });
  const reply = await fetch(`${env.CHATCLOUD_URL}/api/v1/users/chat-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': env.CHATCLOUD_API_KEY, 'x-api-secret': env.CHATCLOUD_API_SECRET },
    body: JSON.stringify({ externalId: me.id, user: { username: me.username, email: me.email, displayName: me.name } }),
  });
  const body = await reply.json();
  res.status(reply.status).json(body.success ? body.data : body);
});

if (process.argv[1] === new URL(import.meta.url).pathname) app.listen(env.PORT ?? 3000);
