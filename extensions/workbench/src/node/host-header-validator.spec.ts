// HostHeaderValidator with Theia's own pieces: the early middleware of an express app (where Theia's
// connection-token cookie is handed out) and the WebSocket validator chain (Origin, token, Host).
import * as http from 'http';
import { AddressInfo, Socket } from 'net';
import { expect } from 'chai';
import { bindContributionProvider } from '@theia/core/lib/common/contribution-provider';
import { ILogger } from '@theia/core/lib/common/logger';
import { MockLogger } from '@theia/core/lib/common/test/mock-logger';
import { BackendApplicationCliContribution, EarlyExpressMiddleware } from '@theia/core/lib/node/backend-application';
import { BackendApplicationHosts } from '@theia/core/lib/node/hosting/backend-application-hosts';
import {
    BROWSER_TOKEN_COOKIE_NAME, BrowserConnectionToken, BrowserConnectionTokenBackendContribution
} from '@theia/core/lib/node/hosting/browser-connection-token';
import { WsOriginValidator } from '@theia/core/lib/node/hosting/ws-origin-validator';
import { WsRequestValidator, WsRequestValidatorContribution } from '@theia/core/lib/node/ws-request-validators';
import express = require('@theia/core/shared/express');
import { Container } from '@theia/core/shared/inversify';
import { FOREIGN_HOST_REASON, HostHeaderValidator } from './host-header-validator';

const TOKEN = 'test-token';

interface Backend {
    readonly container: Container;
    readonly server: http.Server;
    readonly port: number;
}

/** Theia's hosting pieces and the validator, initialised in `order`, serving a page at `/`. */
async function startBackend(order: 'theia-first' | 'validator-first', env: { allowedHosts?: string } = {}): Promise<Backend> {
    const container = new Container();
    container.bind(ILogger).to(MockLogger).inSingletonScope();
    container.bind(EarlyExpressMiddleware).toSelf().inSingletonScope();
    const cli = new BackendApplicationCliContribution();
    cli.hostname = '127.0.0.1';
    container.bind(BackendApplicationCliContribution).toConstantValue(cli);
    container.bind(BackendApplicationHosts).toSelf().inSingletonScope();
    container.bind(BrowserConnectionToken).toConstantValue({ value: TOKEN });
    container.bind(BrowserConnectionTokenBackendContribution).toSelf().inSingletonScope();
    container.bind(WsOriginValidator).toSelf().inSingletonScope();
    container.bind(HostHeaderValidator).toSelf().inSingletonScope();
    bindContributionProvider(container, WsRequestValidatorContribution);
    container.bind(WsRequestValidatorContribution).toService(WsOriginValidator);
    container.bind(WsRequestValidatorContribution).toService(BrowserConnectionTokenBackendContribution);
    container.bind(WsRequestValidatorContribution).toService(HostHeaderValidator);
    container.bind(WsRequestValidator).toSelf().inSingletonScope();

    const saved = process.env.BACKTESTR_ALLOWED_HOSTS;
    process.env.BACKTESTR_ALLOWED_HOSTS = env.allowedHosts ?? '';
    try {
        const token = container.get(BrowserConnectionTokenBackendContribution);
        const validator = container.get(HostHeaderValidator);
        for (const contribution of order === 'theia-first' ? [token, validator] : [validator, token]) {
            contribution.initialize();
        }
    } finally {
        if (saved === undefined) {
            delete process.env.BACKTESTR_ALLOWED_HOSTS;
        } else {
            process.env.BACKTESTR_ALLOWED_HOSTS = saved;
        }
    }
    const app = express();
    for (const handler of container.get(EarlyExpressMiddleware).handlers) {
        app.use(handler);
    }
    app.get('/', (_req, res) => res.type('text/html').send('<html>workbench</html>'));
    const server = http.createServer(app);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return { container, server, port: (server.address() as AddressInfo).port };
}

function get(port: number, host: string): Promise<{ status: number; setCookie: string[]; body: string }> {
    return new Promise((resolve, reject) => {
        const request = http.request({ host: '127.0.0.1', port, path: '/', headers: { Host: host }, agent: false }, response => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', chunk => body += chunk);
            response.on('end', () => resolve({ status: response.statusCode ?? 0, setCookie: response.headers['set-cookie'] ?? [], body }));
        });
        request.on('error', reject);
        request.end();
    });
}

/** What Socket.IO's `allowRequest` asks for a handshake with these headers. */
function allowWsUpgrade(backend: Backend, headers: http.IncomingHttpHeaders): Promise<boolean> {
    const request = new http.IncomingMessage(new Socket());
    request.headers = headers;
    request.method = 'GET';
    request.url = '/socket.io/?EIO=4&transport=websocket';
    return backend.container.get(WsRequestValidator).allowWsUpgrade(request);
}

describe('HostHeaderValidator', () => {
    for (const order of ['theia-first', 'validator-first'] as const) {
        describe(`initialised ${order}`, () => {
            let backend: Backend;
            before(async () => backend = await startBackend(order));
            after(() => backend.server.close());

            it('answers a foreign Host with 403 and a plain-text reason before the connection token cookie is set', async () => {
                for (const host of ['evil.example:3000', `evil.example:${backend.port}`, `localhost.evil.example:${backend.port}`]) {
                    const reply = await get(backend.port, host);
                    expect(reply.status, host).to.equal(403);
                    expect(reply.setCookie, host).to.deep.equal([]);
                    expect(reply.body).to.equal(FOREIGN_HOST_REASON);
                }
            });

            it('serves loopback hosts and hands them the cookie', async () => {
                for (const host of [`127.0.0.1:${backend.port}`, `localhost:${backend.port}`, `[::1]:${backend.port}`]) {
                    const reply = await get(backend.port, host);
                    expect(reply.status, host).to.equal(200);
                    expect(reply.setCookie.join(';'), host).to.contain(`${BROWSER_TOKEN_COOKIE_NAME}=${TOKEN}`);
                }
            });
        });
    }

    describe('in the WebSocket validator chain', () => {
        let backend: Backend;
        before(async () => backend = await startBackend('theia-first', { allowedHosts: 'workstation.lan' }));
        after(() => backend.server.close());
        const cookie = `${BROWSER_TOKEN_COOKIE_NAME}=${TOKEN}`;

        it('refuses a foreign Host even when its Origin matches it and the token is valid', async () => {
            expect(await allowWsUpgrade(backend, { host: 'evil.example:3000', origin: 'http://evil.example:3000', cookie })).to.equal(false);
            expect(await allowWsUpgrade(backend, { host: 'evil.example:3000', cookie })).to.equal(false);
            expect(await allowWsUpgrade(backend, { cookie })).to.equal(false);
        });

        it('accepts loopback and added hosts with their Origin and the token', async () => {
            for (const host of ['127.0.0.1:3000', 'localhost:3000', '[::1]:3000', 'workstation.lan:3000']) {
                expect(await allowWsUpgrade(backend, { host, origin: `http://${host}`, cookie }), host).to.equal(true);
            }
        });

        it('serves a host added by BACKTESTR_ALLOWED_HOSTS over HTTP too', async () => {
            expect((await get(backend.port, 'workstation.lan:3000')).status).to.equal(200);
            expect((await get(backend.port, 'evil.example:3000')).status).to.equal(403);
        });
    });
});
