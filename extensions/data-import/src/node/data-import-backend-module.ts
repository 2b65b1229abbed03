import { ConnectionHandler, RpcConnectionHandler } from '@theia/core/lib/common/messaging';
import { ContainerModule } from '@theia/core/shared/inversify';
import { DATASET_SERVICE_PATH, DatasetService } from '../common/dataset-protocol';
import { DatasetServiceImpl } from './dataset-service-impl';

export default new ContainerModule(bind => {
    bind(DatasetServiceImpl).toSelf().inSingletonScope();
    bind(DatasetService).toService(DatasetServiceImpl);
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler(DATASET_SERVICE_PATH, () => ctx.container.get<DatasetService>(DatasetService))
    ).inSingletonScope();
});
