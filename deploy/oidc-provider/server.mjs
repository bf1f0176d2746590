// A local OpenID provider for trying koordinator's real log-in: ONE node process, TWO issuers.
//
//   node deploy/oidc-provider/server.mjs        (or `make oidc`; README, «Try the real log-in»)
//
// - like ID-porten (citizens), by default http://127.0.0.1:8091, client `koordinator-idporten`;
// - like Ansattporten (staff), by default http://127.0.0.1:8092, client `koordinator-ansattporten`.
//
// Built on the npm package oidc-provider (a certified OpenID Provider library): authorization code flow with
// PKCE (S256, required), client authentication client_secret_post, ID tokens signed with RS256 (a new RSA key at
// every start, published at /jwks), discovery at /.well-known/openid-configuration, RP-initiated log-out
// (/session/end) back to `<base>/logget-ut/`. The ID token itself carries `pid` (the national identity number),
// `acr` (idporten-loa-low / -substantial / -high), `amr`, `name` and an opaque `sub`, as ID-porten's does.
//
// The log-in page is server-rendered Norwegian without JavaScript, like ID-porten's test log-in: pick a test
// person from demo/sign_in_persons.json ("citizens" on the ID-porten issuer, "staff" on the other) or type a
// number, choose the level, and on the staff issuer whether the log-in had a second factor (amr ["pwd", "otp"]
// or ["pwd"]). Consent is given automatically (koordinator is a first-party client).
//
// FOR DEVELOPMENT AND TESTS ONLY: anybody can log in as anybody, everything is kept in memory and forgotten when
// the process stops. Never point a production koordinator at it.
//
// Environment (all optional):
//   OIDC_PROVIDER_HOST                   listen address and host of the issuers (127.0.0.1)
//   OIDC_PROVIDER_CITIZEN_PORT           port of the ID-porten-like issuer (8091; 0: any free port)
//   OIDC_PROVIDER_STAFF_PORT             port of the Ansattporten-like issuer (8092; 0: any free port)
//   OIDC_PROVIDER_CITIZEN_CLIENT_ID      (koordinator-idporten)
//   OIDC_PROVIDER_CITIZEN_CLIENT_SECRET  (demo-hemmelighet-idporten)
//   OIDC_PROVIDER_STAFF_CLIENT_ID        (koordinator-ansattporten)
//   OIDC_PROVIDER_STAFF_CLIENT_SECRET    (demo-hemmelighet-ansattporten)
//   OIDC_RP_BASE_URLS                    koordinator's base URLs, comma-separated, for the registered redirect
//                                        URIs (http://127.0.0.1:8000,http://localhost:8000)
//   OIDC_PROVIDER_PERSONS                the test persons (demo/sign_in_persons.json)
//   OIDC_PROVIDER_CLOCK                  tests under a moved clock (pytest --clock): the provider's clock starts
//                                        at this instant (ISO 8601) and ticks, so the tokens' iat and exp agree
//                                        with the server under test; its cookies then carry no Expires, as the
//                                        browser keeps the real time
//
// On start it prints one line per issuer, `<role> issuer: <url>` (the test helper tests/e2e/oidc_provider.py
// reads them), then the clients and redirect URIs. It logs no national identity number and no token.

import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import Provider, { errors } from 'oidc-provider';

const HERE = dirname(fileURLToPath(import.meta.url));
const env = (name, fallback) => {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
};

const HOST = env('OIDC_PROVIDER_HOST', '127.0.0.1');
const RP_BASE_URLS = env('OIDC_RP_BASE_URLS', 'http://127.0.0.1:8000,http://localhost:8000')
  .split(',')
  .map((url) => url.trim().replace(/\/+$/, ''))
  .filter(Boolean);
const PERSONS_FILE = resolve(env('OIDC_PROVIDER_PERSONS', resolve(HERE, '../../demo/sign_in_persons.json')));
const PERSONS = JSON.parse(readFileSync(PERSONS_FILE, 'utf8'));

// The provider's clock (oidc-provider reads Date.now() for iat, exp and its own expiry checks).
const CLOCK = env('OIDC_PROVIDER_CLOCK', '');
let clockOffset = 0;
if (CLOCK) {
  const at = Date.parse(CLOCK);
  if (Number.isNaN(at)) throw new Error(`OIDC_PROVIDER_CLOCK is not an instant: ${CLOCK}`);
  clockOffset = Math.abs(at - Date.now()) < 60_000 ? 0 : at - Date.now();
}
if (clockOffset) {
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + clockOffset;
}

// The levels in koordinator's words (koordinator/signin/mine.py, LEVELS: «Lavt», «Betydelig (for eksempel MinID)»,
// «Høyt (for eksempel BankID)»), with the acr each one sends.
const LEVELS = [
  { acr: 'idporten-loa-low', label: 'Lavt', hint: 'idporten-loa-low: for eksempel bare passord' },
  { acr: 'idporten-loa-substantial', label: 'Betydelig', hint: 'idporten-loa-substantial: for eksempel MinID' },
  { acr: 'idporten-loa-high', label: 'Høyt', hint: 'idporten-loa-high: for eksempel BankID' },
];
const DEFAULT_LEVEL = 'idporten-loa-substantial';

const ISSUERS = [
  {
    role: 'citizen',
    title: 'ID-porten',
    heading: 'Logg inn med test-ID-porten',
    port: Number(env('OIDC_PROVIDER_CITIZEN_PORT', '8091')),
    clientId: env('OIDC_PROVIDER_CITIZEN_CLIENT_ID', 'koordinator-idporten'),
    clientSecret: env('OIDC_PROVIDER_CITIZEN_CLIENT_SECRET', 'demo-hemmelighet-idporten'),
    demoSecret: 'demo-hemmelighet-idporten',
    secretVariable: 'OIDC_PROVIDER_CITIZEN_CLIENT_SECRET',
    callbackPath: '/logg-inn/id-porten/tilbake/',
    persons: PERSONS.citizens || [],
    secondFactorChoice: false,
  },
  {
    role: 'staff',
    title: 'Ansattporten',
    heading: 'Logg inn med test-Ansattporten',
    port: Number(env('OIDC_PROVIDER_STAFF_PORT', '8092')),
    clientId: env('OIDC_PROVIDER_STAFF_CLIENT_ID', 'koordinator-ansattporten'),
    clientSecret: env('OIDC_PROVIDER_STAFF_CLIENT_SECRET', 'demo-hemmelighet-ansattporten'),
    demoSecret: 'demo-hemmelighet-ansattporten',
    secretVariable: 'OIDC_PROVIDER_STAFF_CLIENT_SECRET',
    callbackPath: '/logg-inn/ansatt/tilbake/',
    persons: PERSONS.staff || [],
    secondFactorChoice: true,
  },
];
const LOGGED_OUT_PATH = '/logget-ut/';

// --- Pages ---------------------------------------------------------------------------------------------------

const escape = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// What the library's (English) errors mean here, in Norwegian: HTML, written here (nothing from the request).
const ERROR_HELP = {
  invalid_redirect_uri:
    'Adressen koordinator sendte deg tilbake til, er ikke registrert hos denne testleverandøren. ' +
    'Start <code>make oidc</code> med samme <code>PORT</code> som <code>make run</code> ' +
    `(registrert nå: ${RP_BASE_URLS.map(escape).join(', ')}).`,
  invalid_client:
    'Koordinator og testleverandøren er ikke enige om klient-ID eller klienthemmelighet. ' +
    'Start <code>make run</code> og <code>make oidc</code> med de samme <code>OIDC_*</code>-innstillingene.',
};

const STYLE = `
  *{box-sizing:border-box}
  body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1e2b3c;background:#f3f4f6}
  .banner{background:#fff3cd;border-bottom:2px solid #8a6d00;padding:.5rem 1rem;margin:0;font-size:.95rem}
  main{max-width:36rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh}
  h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}
  fieldset{border:0;padding:0;margin:0 0 1.25rem}
  legend{font-weight:600;margin-bottom:.5rem;padding:0}
  .choice{display:grid;grid-template-columns:auto 1fr;gap:0 .6rem;align-items:start;padding:.4rem 0}
  .choice input{width:1.3rem;height:1.3rem;margin:.15rem 0 0}
  .choice label{font-weight:500}
  .hint{grid-column:2;margin:0;color:#4b5563;font-size:.95rem;overflow-wrap:anywhere}
  .field{margin:0 0 1.25rem}
  .field label{display:block;font-weight:600}
  .field input{display:block;width:100%;max-width:16rem;font:inherit;padding:.5rem;border:2px solid #4b5563;border-radius:4px;margin-top:.25rem}
  .field input[aria-invalid=true]{border-color:#b3261e}
  .error{color:#b3261e;font-weight:600;margin:.25rem 0 0}
  .summary{border:2px solid #b3261e;padding:.75rem 1rem;margin:0 0 1.25rem;border-radius:4px}
  .summary h2{font-size:1.1rem;margin:0 0 .25rem}
  .summary a{color:#b3261e}
  button{font:inherit;font-weight:600;padding:.65rem 1.25rem;border-radius:4px;border:2px solid #0062ba;cursor:pointer;min-height:44px}
  .primary{background:#0062ba;color:#fff}
  .secondary{background:#fff;color:#0062ba}
  .actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1rem}
  :focus-visible{outline:3px solid #1e2b3c;outline-offset:2px}
  code{font-size:.9em}
  p{overflow-wrap:break-word}
`;

function page({ title, issuer, body }) {
  return `<!DOCTYPE html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} – ${escape(issuer.title)} (lokal test)</title>
<style>${STYLE}</style>
</head>
<body>
<p class="banner">Lokal testleverandør som ligner ${escape(issuer.title)}. Bare for utvikling og test: ingen ekte innlogging.</p>
<main id="innhold">
${body}
</main>
</body>
</html>`;
}

function choice({ name, id, value, label, hint, checked }) {
  const hintId = hint ? `${id}-hint` : '';
  return `<div class="choice">
  <input type="radio" name="${name}" id="${id}" value="${escape(value)}"${checked ? ' checked' : ''}${hintId ? ` aria-describedby="${hintId}"` : ''}>
  <label for="${id}">${escape(label)}</label>
  ${hint ? `<p class="hint" id="${hintId}">${escape(hint)}</p>` : ''}
</div>`;
}

function loginPage(issuer, { uid, clientName, values, errors: fieldErrors }) {
  const summary = Object.keys(fieldErrors).length
    ? `<div class="summary" role="alert" tabindex="-1">
  <h2>Du må rette dette før du kan logge inn:</h2>
  <ul>${Object.entries(fieldErrors)
    .map(([field, message]) => `<li><a href="#${field === 'pid' ? 'pid' : 'person-0'}">${escape(message)}</a></li>`)
    .join('')}</ul>
</div>`
    : '';
  const persons = issuer.persons
    .map((person, index) =>
      choice({
        name: 'person',
        id: `person-${index}`,
        value: person.pid,
        label: person.name,
        hint: [person.pid, person.username ? `brukernavn ${person.username}` : 'ingen konto', person.note]
          .filter(Boolean)
          .join(' · '),
        checked: values.person === person.pid,
      }),
    )
    .join('\n');
  const levels = LEVELS.map((level) =>
    choice({
      name: 'level',
      id: `level-${level.acr.replace('idporten-loa-', '')}`,
      value: level.acr,
      label: level.label,
      hint: level.hint,
      checked: values.level === level.acr,
    }),
  ).join('\n');
  const secondFactor = issuer.secondFactorChoice
    ? `<fieldset>
  <legend>Andre faktor</legend>
  ${choice({ name: 'factor', id: 'factor-yes', value: 'yes', label: 'Med andre faktor', hint: 'amr ["pwd", "otp"]: passord og engangskode', checked: values.factor !== 'no' })}
  ${choice({ name: 'factor', id: 'factor-no', value: 'no', label: 'Uten andre faktor', hint: 'amr ["pwd"]: bare passord, og derfor nivå lavt uansett hva du velger over', checked: values.factor === 'no' })}
</fieldset>`
    : '';
  const pidError = fieldErrors.pid ? `<p class="error" id="pid-error">${escape(fieldErrors.pid)}</p>` : '';
  const personError = fieldErrors.person ? `<p class="error" id="person-error">${escape(fieldErrors.person)}</p>` : '';
  return page({
    title: 'Logg inn',
    issuer,
    body: `<h1>${escape(issuer.heading)}</h1>
<p>${escape(clientName)} ber deg logge inn. Velg en testperson, eller skriv et fødselsnummer.</p>
${summary}
<form method="post" action="/interaction/${escape(uid)}/login" novalidate>
<fieldset${fieldErrors.person ? ' aria-describedby="person-error"' : ''}>
  <legend>Testperson</legend>
  ${personError}
  ${persons}
</fieldset>
<div class="field">
  <label for="pid">Eller skriv fødselsnummer eller D-nummer</label>
  <p class="hint" id="pid-hint">11 siffer. Går foran testpersonen du har valgt.</p>
  ${pidError}
  <input type="text" id="pid" name="pid" inputmode="numeric" autocomplete="off" maxlength="11" value="${escape(values.pid)}" aria-describedby="pid-hint${fieldErrors.pid ? ' pid-error' : ''}"${fieldErrors.pid ? ' aria-invalid="true"' : ''}>
</div>
<fieldset>
  <legend>Sikkerhetsnivå</legend>
  ${levels}
</fieldset>
${secondFactor}
<div class="actions">
  <button type="submit" class="primary">Logg inn</button>
</div>
</form>
<form method="post" action="/interaction/${escape(uid)}/abort">
  <div class="actions"><button type="submit" class="secondary">Avbryt</button></div>
</form>`,
  });
}

// --- Accounts: a test person's opaque `sub`, their pid and name ---------------------------------------------------

function accountsFor(issuer) {
  const byId = new Map();
  return {
    remember(pid, name) {
      // ID-porten's `sub` is an opaque, stable identifier; koordinator must match on `pid`, never on `sub`.
      const accountId = createHash('sha256').update(`${issuer.role}:${pid}`).digest('base64url').slice(0, 32);
      byId.set(accountId, { pid, name });
      return accountId;
    },
    async findAccount(ctx, accountId) {
      const person = byId.get(accountId);
      if (!person) return undefined;
      return {
        accountId,
        async claims() {
          return { sub: accountId, pid: person.pid, name: person.name };
        },
      };
    },
  };
}

// --- One issuer ------------------------------------------------------------------------------------------------

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
}

function makeProvider(issuer, url) {
  const accounts = accountsFor(issuer);
  const provider = new Provider(url, {
    clients: [
      {
        client_id: issuer.clientId,
        client_secret: issuer.clientSecret,
        client_name: 'Koordinator',
        redirect_uris: RP_BASE_URLS.map((base) => `${base}${issuer.callbackPath}`),
        post_logout_redirect_uris: RP_BASE_URLS.map((base) => `${base}${LOGGED_OUT_PATH}`),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'RS256',
      },
    ],
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    findAccount: accounts.findAccount,
    acrValues: LEVELS.map((level) => level.acr),
    scopes: ['openid', 'profile'],
    // ID-porten puts pid, acr, amr and auth_time in every ID token: here they belong to the scope `openid`.
    claims: {
      sid: null,
      iss: null,
      openid: ['sub', 'pid', 'acr', 'amr', 'auth_time'],
      profile: ['name'],
    },
    // The claims in the ID token itself (koordinator reads pid, acr and amr there), not only from /me.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = page({
            title: 'Logg ut',
            issuer,
            body: `<h1>Vil du logge ut av ${escape(issuer.title)}?</h1>
<p>Du logges ut av den lokale testleverandøren og sendes tilbake til tjenesten.</p>
${form}
<div class="actions">
  <button type="submit" form="op.logoutForm" name="logout" value="yes" class="primary">Logg ut</button>
</div>`,
          });
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = page({
            title: 'Du er logget ut',
            issuer,
            body: `<h1>Du er logget ut av ${escape(issuer.title)}</h1><p>Du kan lukke denne siden.</p>`,
          });
        },
      },
    },
    // Consent is given automatically: koordinator is the provider's only, first-party client.
    loadExistingGrant: async (ctx) => {
      const { oidc } = ctx;
      if (!oidc.session.accountId) return undefined;
      const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
      let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if (!grant || grant.accountId !== oidc.session.accountId) {
        grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      }
      grant.addOIDCScope(String(oidc.params.scope || 'openid'));
      await grant.save();
      return grant;
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      const help = ERROR_HELP[out.error];
      ctx.body = page({
        title: 'Noe gikk galt',
        issuer,
        body: `<h1>Noe gikk galt</h1>
<p>Den lokale testleverandøren kunne ikke fullføre forespørselen.</p>
${help ? `<p>${help}</p>` : ''}
<p>Teknisk forklaring (på engelsk): <code>${escape(out.error)}</code>: ${escape(out.error_description)}</p>`,
      });
    },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
    },
  });
  provider.on('server_error', (ctx, error) => console.error(`${issuer.role}: server error: ${error.message}`));
  return { provider, accounts };
}

// --- The interaction routes: /interaction/<uid>, …/login, …/abort ---------------------------------------------------

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, html) {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'",
  });
  res.end(html);
}

async function interaction(issuer, provider, accounts, req, res, path) {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params } = details;
  const client = await provider.Client.find(params.client_id);
  const clientName = client?.clientName || 'Tjenesten';

  if (prompt.name !== 'login') {
    // Only consent can be left: give it (first-party client) and go on.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    grant.addOIDCScope(String(params.scope || 'openid'));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }

  const requested = String(params.acr_values || '').split(' ').find((acr) => LEVELS.some((l) => l.acr === acr));
  const initial = { person: issuer.persons[0]?.pid || '', pid: '', level: requested || DEFAULT_LEVEL, factor: 'yes' };

  if (req.method === 'GET' && path === `/interaction/${uid}`) {
    send(res, 200, loginPage(issuer, { uid, clientName, values: initial, errors: {} }));
    return;
  }
  if (req.method === 'POST' && path === `/interaction/${uid}/abort`) {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'Brukeren avbrøt innloggingen' },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  if (req.method === 'POST' && path === `/interaction/${uid}/login`) {
    const form = await readForm(req);
    const values = {
      person: form.get('person') || '',
      pid: (form.get('pid') || '').replace(/\s+/g, ''),
      level: form.get('level') || '',
      factor: form.get('factor') === 'no' ? 'no' : 'yes',
    };
    const fieldErrors = {};
    if (values.pid && !/^\d{11}$/.test(values.pid)) {
      fieldErrors.pid = 'Skriv fødselsnummeret eller D-nummeret med 11 siffer.';
    }
    const known = issuer.persons.find((person) => person.pid === values.person);
    if (!values.pid && !known) fieldErrors.person = 'Velg en testperson eller skriv et fødselsnummer.';
    if (!LEVELS.some((level) => level.acr === values.level)) values.level = DEFAULT_LEVEL;
    if (Object.keys(fieldErrors).length) {
      send(res, 400, loginPage(issuer, { uid, clientName, values, errors: fieldErrors }));
      return;
    }
    const pid = values.pid || known.pid;
    const name = [...(PERSONS.citizens || []), ...(PERSONS.staff || [])].find((p) => p.pid === pid)?.name || 'Testperson';
    const amr = issuer.secondFactorChoice ? (values.factor === 'yes' ? ['pwd', 'otp'] : ['pwd']) : ['TestID'];
    // One factor is never more than level low: substantial and high require two (eIDAS, as ID-porten).
    if (issuer.secondFactorChoice && values.factor === 'no') values.level = 'idporten-loa-low';
    const accountId = accounts.remember(pid, name);
    console.log(`${issuer.role}: log-in, level ${values.level}, amr ${amr.join('+')}`);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId, acr: values.level, amr, remember: false } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  send(res, 404, page({ title: 'Fant ikke siden', issuer, body: '<h1>Fant ikke siden</h1>' }));
}

// Under a moved clock the browser would find the cookies' Expires in its past or far future: send none (a
// deletion, Expires 1970, stays as it is).
function withoutExpires(res) {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) => {
    if (String(name).toLowerCase() === 'set-cookie') {
      const strip = (cookie) => (/expires=Thu, 01 Jan 1970/i.test(cookie) ? cookie : cookie.replace(/; expires=[^;]*/i, ''));
      value = Array.isArray(value) ? value.map(strip) : strip(String(value));
    }
    return setHeader(name, value);
  };
}

function handler(issuer, provider, accounts) {
  const callback = provider.callback();
  return async (req, res) => {
    if (clockOffset) withoutExpires(res);
    const path = new URL(req.url, 'http://localhost').pathname;
    if (!path.startsWith('/interaction/')) {
      callback(req, res);
      return;
    }
    try {
      await interaction(issuer, provider, accounts, req, res, path);
    } catch (error) {
      const expired = error instanceof errors.SessionNotFound || error instanceof errors.InvalidRequest;
      console.error(`${issuer.role}: interaction failed: ${error.name}`);
      if (res.headersSent) return;
      send(
        res,
        expired ? 400 : 500,
        page({
          title: 'Innloggingen er utløpt',
          issuer,
          body: `<h1>Innloggingen er utløpt eller ugyldig</h1>
<p>Gå tilbake til tjenesten og start innloggingen på nytt.</p>`,
        }),
      );
    }
  };
}

async function start(issuer) {
  let handle = (req, res) => {
    res.writeHead(503);
    res.end();
  };
  const server = createServer((req, res) => handle(req, res));
  await new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(issuer.port, HOST, resolveListen);
  });
  const { port } = server.address();
  const url = `http://${HOST.includes(':') ? `[${HOST}]` : HOST}:${port}`;
  const { provider, accounts } = makeProvider(issuer, url);
  handle = handler(issuer, provider, accounts);
  return { server, url };
}

const started = [];
for (const issuer of ISSUERS) {
  const { server, url } = await start(issuer);
  started.push(server);
  console.log(`${issuer.role} issuer: ${url}`);
  const secret = issuer.clientSecret === issuer.demoSecret ? issuer.clientSecret : `from ${issuer.secretVariable}`;
  console.log(`  like ${issuer.title}; client ${issuer.clientId}, secret ${secret}`);
  console.log(`  redirect URIs: ${RP_BASE_URLS.map((base) => `${base}${issuer.callbackPath}`).join(' ')}`);
  console.log(`  after log-out: ${RP_BASE_URLS.map((base) => `${base}${LOGGED_OUT_PATH}`).join(' ')}`);
  console.log(`  test persons: ${issuer.persons.length} from ${PERSONS_FILE}`);
}
if (clockOffset) console.log(`  clock: starts at ${new Date(Date.now()).toISOString()} (OIDC_PROVIDER_CLOCK)`);
console.log('oidc-provider ready (development and tests only; Ctrl-C stops it)');

const stop = () => {
  for (const server of started) {
    server.close();
    server.closeAllConnections();
  }
  setTimeout(() => process.exit(0), 200).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
