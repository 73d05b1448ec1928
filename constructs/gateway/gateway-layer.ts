import type { AppModel, IModelLayer } from '../app-model';
import { IPolicyHost, Port } from '../connectivity';
import { HardenedInputError } from '../errors';
import { MeshLayer } from '../mesh/mesh-layer';
import { RESTRICTED_DEFAULTS } from '../restricted-defaults';

/** What the gateway layer needs of a gateway (a HardenedGateway). */
export interface IGatewayHost extends IPolicyHost {
  /** The GatewayClass, named in errors. */
  readonly gatewayClassName: string;
}

/** The name of the gateway layer in the app model. */
export const GATEWAY_LAYER_NAME = 'gateway-api';

/**
 * The gateway layer: at synth it gives each HardenedGateway's pods what Istio's gateway needs of
 * the network besides its listeners and backends, as flows of the connectivity graph: egress to
 * istiod (15012: configuration and certificates) and, when the IstioMesh declares a scraper,
 * ingress from it to the merged metrics port (15020). An app with a gateway needs an IstioMesh.
 */
export class GatewayLayer implements IModelLayer {
  /** The gateway layer of the app of `model`, added on first use. */
  public static of(model: AppModel): GatewayLayer {
    return model.ensureLayer(GATEWAY_LAYER_NAME, () => new GatewayLayer());
  }

  public readonly name = GATEWAY_LAYER_NAME;
  private readonly gateways: IGatewayHost[] = [];

  private constructor() {}

  /** Registers a gateway. @internal */
  public addGateway(gateway: IGatewayHost): void {
    this.gateways.push(gateway);
  }

  public prepare(model: AppModel): void {
    if (this.gateways.length === 0) return;
    const mesh = MeshLayer.of(model).installation;
    if (!mesh) {
      const g = this.gateways[0];
      throw new HardenedInputError(g, 'gatewayClassName', g.gatewayClassName, 'is served by Istio, whose gateway pods get their configuration and certificates from istiod, and the app declares no IstioMesh',
        "add `new IstioMesh(<a chart>, 'mesh')` to the app");
    }
    for (const g of this.gateways) {
      model.connectivity.addFlow(g, 'controlPlane', g, mesh.controlPlane, { ports: [Port.tcp(RESTRICTED_DEFAULTS.mesh.controlPlanePort)] });
      if (mesh.monitoring) model.connectivity.addFlow(g, 'monitoring', mesh.monitoring, g, { ports: [Port.tcp(RESTRICTED_DEFAULTS.gateway.metricsPort)] });
    }
  }
}
