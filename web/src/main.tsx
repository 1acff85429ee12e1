import './styles/main.css';
import { mount } from './mount';
import { App } from './page/App';

mount(<App />);
