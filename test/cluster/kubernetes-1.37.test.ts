import { realServerSuite } from './_suite';

realServerSuite('1.37');
