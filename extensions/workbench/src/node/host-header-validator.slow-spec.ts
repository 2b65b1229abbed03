// DNS rebinding against the real browser application: its built backend (app/browser/lib/backend/main.js)
// is started on 127.0.0.1 with an ephemeral port and sent raw HTTP requests and WebSocket upgrades
// whose Host header names another site (a page whose DNS name rebinds to 127.0.0.1 sends exactly those).
import { ChildProcess, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const appDir = path.join(repoRoot, 'app', 'browser');
const TOKEN_COOKIE = 'theia-connection-token';
const FOREIGN_HOST = 'evil.example:3000';

interface Backend {
    readonly port: number;
    stop(): Promise<void>;
}

/** Starts the built browser backend on 127.0.0.1:0 with `env` added; resolves once it listens. */
function startBackend(workspace: string, env: NodeJS.ProcessEnv = {}): Promise<Backend> {
    const main = path.join(appDir, 'lib', 'backend', 'main.js');
    if (!fs.existsSync(main)) {
        throw new Error(`${main} does not exist: build the browser app first (npm run build -w @backtestr/browser-app).`);
    }
    const child: ChildProcess = spawn(process.execPath, [main, workspace, '--hostname', '127.0.0.1', '--port', '0'], {
        cwd: appDir,
        env: { ...process.env, BACKTESTR_ALLOWED_HOSTS: '', THEIA_HOSTS: '', ...env },
        stdio: ['ignore', 'pipe', 'pipe']
    });
    let output = '';
    return new Promise((resolve, reject) => {
        const onEarlyExit = (code: number | null): void => reject(new Error(`the backend exited with code ${code} before listening:\n${output}`));
        const onData = (chunk: Buffer): void => {
            output += chunk.toString();
            const match = /listening on http:\/\/[\d.]+:(\d+)/.exec(output);
            if (match) {
                child.stdout!.off('data', onData);
                child.stderr!.off('data', onData);
                child.stdout!.resume();
                child.stderr!.resume();
                child.off('exit', onEarlyExit);
                resolve({
                    port: Number(match[1]),
                    stop: () => new Promise<void>(done => {
                        if (child.exitCode !== null || child.signalCode !== null) {
                            done();
                            return;
                        }
                        child.once('exit', () => done());
                        child.kill('SIGTERM');
                        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
                    })
                });
            }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', onEarlyExit);
    });
}

interface Reply {
    readonly status: number;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: string;
}

/** One raw HTTP GET to 127.0.0.1:`port` with exactly these headers (Node sends `Host` as given). */
function get(port: number, urlPath: string, headers: http.OutgoingHttpHeaders): Promise<Reply> {
    return new Promise((resolve, reject) => {
        const request = http.request({ host: '127.0.0.1', port, path: urlPath, method: 'GET', headers, agent: false }, response => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', chunk => body += chunk);
            response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
        });
        request.on('error', reject);
        request.end();
    });
}

/** A raw WebSocket upgrade of Socket.IO (the frontend's connection); resolves the status: 101 when accepted. */
function upgrade(port: number, headers: http.OutgoingHttpHeaders): Promise<number> {
    return new Promise((resolve, reject) => {
        const request = http.request({
            host: '127.0.0.1', port, path: '/socket.io/?EIO=4&transport=websocket', method: 'GET', agent: false,
            headers: {
                Connection: 'Upgrade',
                Upgrade: 'websocket',
                'Sec-WebSocket-Version': '13',
                'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64'),
                ...headers
            }
        });
        request.on('upgrade', (response, socket) => {
            socket.destroy();
            resolve(response.statusCode ?? 0);
        });
        request.on('response', response => {
            response.resume();
            resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        request.end();
    });
}

function tokenCookie(reply: Reply): string | undefined {
    const cookie = (reply.headers['set-cookie'] ?? []).find(c => c.startsWith(`${TOKEN_COOKIE}=`));
    return cookie?.split(';')[0];
}

describe('HostHeaderValidator in the real browser backend (DNS rebinding)', function (): void {
    this.timeout(120000);
    let workspace: string;
    let backend: Backend;
    let cookie: string;

    before(async () => {
        workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-host-'));
        backend = await startBackend(workspace);
        const page = await get(backend.port, '/', { Host: `127.0.0.1:${backend.port}` });
        cookie = tokenCookie(page) ?? '';
    });
    after(async () => {
        await backend?.stop();
        fs.rmSync(workspace, { recursive: true, force: true });
    });

    it('serves the page and hands out the connection token to every loopback Host', async () => {
        expect(cookie, 'the connection token cookie for Host 127.0.0.1').to.match(/^theia-connection-token=.+/);
        for (const host of [`127.0.0.1:${backend.port}`, `localhost:${backend.port}`, `[::1]:${backend.port}`, 'localhost', 'LOCALHOST:8080']) {
            const reply = await get(backend.port, '/', { Host: host });
            expect(reply.status, `GET / with Host ${host}`).to.equal(200);
            expect(tokenCookie(reply), `the token cookie for Host ${host}`).to.equal(cookie);
        }
    });

    it('answers a foreign Host with 403 and a plain-text reason, and sets no cookie, on every path', async () => {
        for (const host of [FOREIGN_HOST, 'evil.example', `127.0.0.1.evil.example:${backend.port}`, `localhost.evil.example:${backend.port}`]) {
            for (const urlPath of ['/', '/index.html', '/bundle.js', '/no-such-file']) {
                const reply = await get(backend.port, urlPath, { Host: host, Origin: `http://${host}` });
                expect(reply.status, `GET ${urlPath} with Host ${host}`).to.equal(403);
                expect(reply.headers['set-cookie'], `Set-Cookie for Host ${host}`).to.equal(undefined);
                expect(reply.headers['content-type']).to.match(/^text\/plain/);
                expect(reply.body).to.contain('BACKTESTR_ALLOWED_HOSTS');
            }
        }
    });

    it('refuses the Socket.IO handshake by HTTP polling with a foreign Host', async () => {
        const foreign = await get(backend.port, '/socket.io/?EIO=4&transport=polling', { Host: FOREIGN_HOST, Origin: `http://${FOREIGN_HOST}`, Cookie: cookie });
        expect(foreign.status).to.equal(403);
        expect(foreign.headers['set-cookie']).to.equal(undefined);
        const loopback = await get(backend.port, '/socket.io/?EIO=4&transport=polling', { Host: `127.0.0.1:${backend.port}`, Cookie: cookie });
        expect(loopback.status).to.equal(200);
    });

    it('refuses the WebSocket upgrade with a foreign Host, with or without a matching Origin, even with the token', async () => {
        expect(await upgrade(backend.port, { Host: FOREIGN_HOST, Cookie: cookie }), 'no Origin').to.not.equal(101);
        expect(await upgrade(backend.port, { Host: FOREIGN_HOST, Origin: `http://${FOREIGN_HOST}`, Cookie: cookie }), 'matching Origin').to.not.equal(101);
        expect(await upgrade(backend.port, { Host: FOREIGN_HOST, Origin: `http://127.0.0.1:${backend.port}`, Cookie: cookie }), 'loopback Origin').to.not.equal(101);
    });

    it('accepts the WebSocket upgrade with a loopback Host and Origin and the token', async () => {
        for (const host of [`127.0.0.1:${backend.port}`, `localhost:${backend.port}`]) {
            expect(await upgrade(backend.port, { Host: host, Origin: `http://${host}`, Cookie: cookie }), `Host ${host}`).to.equal(101);
        }
    });

    describe('with BACKTESTR_ALLOWED_HOSTS', () => {
        let added: Backend;
        let addedCookie: string;
        before(async () => {
            added = await startBackend(workspace, { BACKTESTR_ALLOWED_HOSTS: ' workstation.lan , proxy.example:4000' });
            addedCookie = tokenCookie(await get(added.port, '/', { Host: `127.0.0.1:${added.port}` })) ?? '';
        });
        after(async () => {
            await added?.stop();
        });

        it('serves the added hosts (a name on any port, host:port on that port only) and still refuses the others', async () => {
            for (const host of [`workstation.lan:${added.port}`, 'WORKSTATION.LAN', 'proxy.example:4000']) {
                const reply = await get(added.port, '/', { Host: host });
                expect(reply.status, `GET / with Host ${host}`).to.equal(200);
                expect(tokenCookie(reply), `the token cookie for Host ${host}`).to.equal(addedCookie);
            }
            for (const host of [FOREIGN_HOST, 'proxy.example:4001', 'proxy.example', 'lan:3000']) {
                const reply = await get(added.port, '/', { Host: host });
                expect(reply.status, `GET / with Host ${host}`).to.equal(403);
                expect(reply.headers['set-cookie'], `Set-Cookie for Host ${host}`).to.equal(undefined);
            }
        });

        it('accepts the WebSocket upgrade for an added host and refuses a foreign one', async () => {
            const host = `workstation.lan:${added.port}`;
            expect(await upgrade(added.port, { Host: host, Origin: `http://${host}`, Cookie: addedCookie })).to.equal(101);
            expect(await upgrade(added.port, { Host: FOREIGN_HOST, Origin: `http://${FOREIGN_HOST}`, Cookie: addedCookie })).to.not.equal(101);
        });
    });
});
