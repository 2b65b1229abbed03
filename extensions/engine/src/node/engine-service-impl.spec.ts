import { expect } from 'chai';
import { ILogger } from '@theia/core/lib/common/logger';
import { Container } from '@theia/core/shared/inversify';
import { EngineServiceImpl } from './engine-service-impl';

describe('EngineServiceImpl', () => {
    it('reports the native addon version and the timeframes of a default engine', async () => {
        const container = new Container();
        const errors: string[] = [];
        container.bind(ILogger).toConstantValue({ error: (m: string) => errors.push(m) } as unknown as ILogger);
        container.bind(EngineServiceImpl).toSelf();
        const info = await container.get(EngineServiceImpl).getEngineInfo();
        expect(info.nativeError, info.nativeError).to.equal(undefined);
        expect(info.nativeVersion).to.match(/^\d+\.\d+\.\d+$/);
        expect(info.defaultTimeframes).to.deep.equal(['1m', '5m', '15m', '1H', '4H', '1D']);
        expect(errors).to.deep.equal([]);
    });
});
